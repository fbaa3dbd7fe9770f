#include "physics/derivative_checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include "physics/echo_kernels.h"

namespace echolab {
namespace {

using ScalarOf = std::function<double(const Vector&)>;
using VectorOf = std::function<Vector(const Vector&)>;

double LargestMagnitude(const Vector& x) { return x.size() ? x.cwiseAbs().maxCoeff() : 0.0; }

// A magnitude for steps along x: max_k |x_k|, or 1 when x = 0.
double Magnitude(const Vector& x) {
  const double largest = LargestMagnitude(x);
  return largest > 0.0 ? largest : 1.0;
}

// The step of entry j: relative_step × |x_j|, or × max_k |x_k| when x_j = 0.
Vector Steps(const Vector& x, double relative_step) {
  Vector steps(x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    steps[j] = relative_step * (x[j] != 0.0 ? std::abs(x[j]) : Magnitude(x));
  }
  return steps;
}

// ∂f/∂x_j ≈ [f(x + h_j e_j) - f(x - h_j e_j)] / (2 h_j).
Vector NumericGradient(const ScalarOf& f, const Vector& x, const Vector& steps) {
  Vector gradient(x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    Vector plus = x, minus = x;
    plus[j] += steps[j];
    minus[j] -= steps[j];
    gradient[j] = (f(plus) - f(minus)) / (2.0 * steps[j]);
  }
  return gradient;
}

// d/dε g(x + ε v) at ε = 0, ≈ [g(x + h v) - g(x - h v)] / (2h), with h v a
// relative_step fraction of x's magnitude.
Vector NumericDirectional(const VectorOf& g, const Vector& x, const Vector& v,
                          double relative_step) {
  const double h = relative_step * Magnitude(x) / Magnitude(v);
  return (g(x + h * v) - g(x - h * v)) / (2.0 * h);
}

DerivativeCheck Compare(std::string derivative, const Vector& analytic, const Vector& numeric,
                        const DerivativeCheckOptions& options) {
  DerivativeCheck check{std::move(derivative)};
  if (analytic.size() != numeric.size()) {  // a model returning the wrong size fails
    check.worst_error = INFINITY;
    return check;
  }
  const double floor =
      options.floor * std::max(LargestMagnitude(analytic), LargestMagnitude(numeric));
  for (Eigen::Index j = 0; j < analytic.size(); ++j) {
    const double scale = std::max({std::abs(analytic[j]), std::abs(numeric[j]), floor});
    if (!(scale > 0.0)) continue;
    const double error = std::abs(analytic[j] - numeric[j]) / scale;
    if (!(error <= check.worst_error)) {  // NaN counts as the worst
      check.worst_error = std::isnan(error) ? INFINITY : error;
      check.worst_entry = static_cast<int>(j);
    }
  }
  check.passed = check.worst_error < options.tolerance;
  return check;
}

// An analytic gradient of f in x against central differences, entries
// compared as the changes h_j ∂f/∂x_j along their steps.
DerivativeCheck CompareGradient(std::string derivative, const Vector& analytic, const ScalarOf& f,
                                const Vector& x, const DerivativeCheckOptions& options) {
  const Vector steps = Steps(x, options.relative_step);
  const Vector numeric = NumericGradient(f, x, steps);
  if (analytic.size() != x.size())
    return Compare(std::move(derivative), analytic, numeric, options);
  return Compare(std::move(derivative), analytic.cwiseProduct(steps), numeric.cwiseProduct(steps),
                 options);
}

Vector Concatenated(const Vector& a, const Vector& b) {
  Vector joined(a.size() + b.size());
  joined << a, b;
  return joined;
}

// The first derivatives against finite differences of the energies.
void CheckGradients(const HamiltonianSystem& s, const PhaseState& x, const Vector& theta,
                    const Vector& u, const DerivativeCheckOptions& o, DerivativeReport* report) {
  Vector a;
  s.KineticGradient(x.p, theta, &a);
  report->checks.push_back(CompareGradient(
      "dT/dp", a, [&](const Vector& p) { return s.KineticEnergy(p, theta); }, x.p, o));
  s.PotentialGradient(x.q, theta, u, &a);
  report->checks.push_back(CompareGradient(
      "dV/dq", a, [&](const Vector& q) { return s.PotentialEnergy(q, theta, u); }, x.q, o));
  s.KineticParameterGradient(x.p, theta, &a);
  report->checks.push_back(CompareGradient(
      "dT/dtheta", a, [&](const Vector& t) { return s.KineticEnergy(x.p, t); }, theta, o));
  s.PotentialParameterGradient(x.q, theta, u, &a);
  report->checks.push_back(CompareGradient(
      "dV/dtheta", a, [&](const Vector& t) { return s.PotentialEnergy(x.q, t, u); }, theta, o));
  if (s.num_inputs() == 0) return;
  s.InputGradient(x.q, theta, u, &a);
  report->checks.push_back(CompareGradient(
      "dV/du", a, [&](const Vector& w) { return s.PotentialEnergy(x.q, theta, w); }, u, o));
}

// The second derivatives against finite differences of the first.
void CheckSecondDerivatives(const HamiltonianSystem& s, const PhaseState& x, const Vector& theta,
                            const Vector& u, const PhaseState& v, const DerivativeCheckOptions& o,
                            DerivativeReport* report) {
  const double step = o.relative_step;
  const auto grad_p = [&](const Vector& p, const Vector& t) {
    Vector g;
    s.KineticGradient(p, t, &g);
    return g;
  };
  const auto grad_q = [&](const Vector& q, const Vector& t, const Vector& w) {
    Vector g;
    s.PotentialGradient(q, t, w, &g);
    return g;
  };
  Vector a;
  s.KineticHessianProduct(x.p, theta, v.p, &a);
  report->checks.push_back(Compare(
      "d2T/dp2 v", a,
      NumericDirectional([&](const Vector& p) { return grad_p(p, theta); }, x.p, v.p, step), o));
  s.PotentialHessianProduct(x.q, theta, u, v.q, &a);
  report->checks.push_back(Compare(
      "d2V/dq2 v", a,
      NumericDirectional([&](const Vector& q) { return grad_q(q, theta, u); }, x.q, v.q, step), o));
  s.KineticMixedProduct(x.p, theta, v.p, &a);
  report->checks.push_back(CompareGradient(
      "(d_theta dT/dp)^T v", a, [&](const Vector& t) { return v.p.dot(grad_p(x.p, t)); }, theta,
      o));
  s.PotentialMixedProduct(x.q, theta, u, v.q, &a);
  report->checks.push_back(CompareGradient(
      "(d_theta dV/dq)^T v", a, [&](const Vector& t) { return v.q.dot(grad_q(x.q, t, u)); }, theta,
      o));
  if (s.num_inputs() == 0) return;
  s.InputMixedProduct(x.q, theta, u, v.q, &a);
  report->checks.push_back(CompareGradient(
      "(d_u dV/dq)^T v", a, [&](const Vector& w) { return v.q.dot(grad_q(x.q, theta, w)); }, u, o));
}

// The fused kernels of the gradient methods against the plain derivatives,
// at x and at a second state x + 0.3 |x| v / |v|.
void CheckFusedKernels(const HamiltonianSystem& s, const PhaseState& x, const Vector& theta,
                       const Vector& u, const PhaseState& v, const DerivativeCheckOptions& o,
                       DerivativeReport* report) {
  constexpr double kWeight = 0.7;
  const EchoKernels kernels(s);
  const Vector q_b = x.q + (0.3 * Magnitude(x.q) / Magnitude(v.q)) * v.q;
  const Vector p_b = x.p + (0.3 * Magnitude(x.p) / Magnitude(v.p)) * v.p;
  Vector grad_a, grad_b, dtheta_a, dtheta_b;
  s.PotentialGradient(x.q, theta, u, &grad_a);
  s.PotentialGradient(q_b, theta, u, &grad_b);
  s.PotentialParameterGradient(x.q, theta, u, &dtheta_a);
  s.PotentialParameterGradient(q_b, theta, u, &dtheta_b);

  Vector fused_grad, sum = Vector::Zero(s.num_params());
  kernels.PotentialGradientWithParameterSum(x.q, theta, u, kWeight, &fused_grad, &sum);
  report->checks.push_back(Compare("fused kick (dV/dq, w dV/dtheta)", Concatenated(fused_grad, sum),
                                   Concatenated(grad_a, kWeight * dtheta_a), o));
  Vector fused_a, fused_b, difference = Vector::Zero(s.num_params());
  kernels.PotentialGradientPairWithParameterDifference(x.q, q_b, theta, u, kWeight, &fused_a,
                                                       &fused_b, &difference);
  report->checks.push_back(
      Compare("fused pair kick", Concatenated(Concatenated(fused_a, fused_b), difference),
              Concatenated(Concatenated(grad_a, grad_b), kWeight * (dtheta_a - dtheta_b)), o));

  Vector kinetic_a, kinetic_b;
  s.KineticParameterGradient(x.p, theta, &kinetic_a);
  s.KineticParameterGradient(p_b, theta, &kinetic_b);
  // The kick's velocities ∂T/∂p, which fused kinetic kernels may read instead of p.
  const auto kick = [&](const Vector& p_before, const Vector& p_after) {
    KickMomenta momenta{.p_before = p_before, .p_after = p_after};
    s.KineticGradient(p_before, theta, &momenta.velocity_before);
    s.KineticGradient(p_after, theta, &momenta.velocity_after);
    return momenta;
  };
  Vector half = Vector::Zero(s.num_params());
  kernels.AddHalfStepKineticParameterGradient(kick(x.p, p_b), theta, kWeight, &half);
  report->checks.push_back(
      Compare("half-step kinetic sum", half, 0.5 * kWeight * (kinetic_a + kinetic_b), o));
  // State a across the kick p → p_b, state b staying at p: the difference is
  // w/2 [T_θ(p) + T_θ(p_b) - 2 T_θ(p)].
  Vector half_difference = Vector::Zero(s.num_params());
  kernels.AddHalfStepKineticParameterDifference(kick(x.p, p_b), kick(x.p, x.p), theta, kWeight,
                                                &half_difference);
  report->checks.push_back(Compare("half-step kinetic difference", half_difference,
                                   0.5 * kWeight * (kinetic_b - kinetic_a), o));
}

}  // namespace

bool DerivativeReport::passed() const {
  return std::all_of(checks.begin(), checks.end(),
                     [](const DerivativeCheck& check) { return check.passed; });
}

std::string DerivativeReport::Table() const {
  std::string table =
      fmt::format("{:<36} {:>12} {:>6}  result\n", "derivative", "worst error", "entry");
  for (const DerivativeCheck& check : checks) {
    table += fmt::format("{:<36} {:>12.3e} {:>6}  {}\n", check.derivative, check.worst_error,
                         check.worst_entry, check.passed ? "PASS" : "FAIL");
  }
  return table;
}

DerivativeReport CheckDerivatives(const HamiltonianSystem& system, const PhaseState& x,
                                  const Vector& theta, const Vector& u, const PhaseState& v,
                                  const DerivativeCheckOptions& options) {
  system.CheckState(x, "derivative check: x");
  system.CheckState(v, "derivative check: v");
  system.CheckInput(u);
  system.ValidateParameters(theta);
  DerivativeReport report;
  CheckGradients(system, x, theta, u, options, &report);
  CheckSecondDerivatives(system, x, theta, u, v, options, &report);
  CheckFusedKernels(system, x, theta, u, v, options, &report);
  return report;
}

}  // namespace echolab
