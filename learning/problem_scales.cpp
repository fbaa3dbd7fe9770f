#include "learning/problem_scales.h"

#include <cmath>

#include "common/error.h"
#include "learning/gradient_method.h"
#include "physics/integrator.h"

namespace echolab {
namespace {

// Below this fraction of the largest component of its half, a component's
// scale is floored there (it rests, or nearly).
constexpr double kRestingFraction = 1e-6;

// max(|x_i|, kRestingFraction × max_j |x_j|), or 1 when every |x_j| is 0.
Vector Floored(const Vector& magnitudes) {
  const double largest = magnitudes.size() ? magnitudes.maxCoeff() : 0.0;
  if (largest == 0.0) return Vector::Ones(magnitudes.size());
  return magnitudes.cwiseMax(kRestingFraction * largest);
}

}  // namespace

Vector ParameterScales(const Vector& theta) {
  return theta.cwiseAbs().unaryExpr([](double v) { return v > 0.0 ? v : 1.0; });
}

ProblemScales MeasureProblemScales(const GradientProblem& problem) {
  const SimulationProblem& forward = problem.forward;
  const Loss& loss = *problem.loss;
  const Vector& theta = forward.theta;
  const PhaseState rest{Vector::Zero(forward.initial_state.q.size()),
                        Vector::Zero(forward.initial_state.p.size())};
  PhaseState largest{forward.initial_state.q.cwiseAbs(), forward.initial_state.p.cwiseAbs()};
  // L ≈ Σ ½ (t_k+1 - t_k) [l(x_k) + l(x_k+1)] over the samples, and likewise
  // for the state at rest.
  double pass_loss = 0.0, rest_loss = 0.0, previous_t_s = 0.0, previous_l = 0.0,
         previous_rest = 0.0;
  bool first = true;
  IntegratorOptions options = problem.integrator;
  options.record_states = false;
  const Observer observe = [&](double t_s, const PhaseState& x) {
    largest.q = largest.q.cwiseMax(x.q.cwiseAbs());
    largest.p = largest.p.cwiseMax(x.p.cwiseAbs());
    const double loss_time_s = t_s - forward.start_time_s;
    const double l = loss.Running(x, loss_time_s, theta);
    const double l_rest = loss.Running(rest, loss_time_s, theta);
    if (!first) {
      pass_loss += 0.5 * (t_s - previous_t_s) * (l + previous_l);
      rest_loss += 0.5 * (t_s - previous_t_s) * (l_rest + previous_rest);
    }
    first = false;
    previous_t_s = t_s;
    previous_l = l;
    previous_rest = l_rest;
  };
  const Trajectory trajectory = Simulate(forward, options, observe);
  if (!trajectory.ok()) {
    throw SolverError("measuring the problem's scales: the forward pass failed: " +
                      trajectory.message);
  }
  pass_loss += loss.Terminal(trajectory.final_state, theta);
  rest_loss += loss.Terminal(rest, theta);
  ProblemScales scales;
  scales.state = {Floored(largest.q), Floored(largest.p)};
  const double loss_scale = std::max(std::abs(pass_loss), std::abs(rest_loss));
  scales.loss = loss_scale > 0.0 ? loss_scale : 1.0;
  scales.parameters = ParameterScales(theta);
  return scales;
}

AbsoluteTolerances AbsoluteTolerancesOf(const GradientProblem& problem) {
  const double atol = problem.integrator.atol;
  const ProblemScales& scales = problem.scales;
  AbsoluteTolerances tolerances;
  if (scales.empty()) {
    const Eigen::Index states = 2 * problem.forward.initial_state.q.size();
    tolerances.state = Vector::Constant(states, atol);
    tolerances.running_loss = Vector::Constant(1, atol);
    tolerances.adjoint = tolerances.state;
    tolerances.parameter_gradient = Vector::Constant(problem.forward.theta.size(), atol);
    return tolerances;
  }
  const Vector state = Flatten(scales.state);
  tolerances.state = atol * state;
  tolerances.running_loss = Vector::Constant(1, atol * scales.loss);
  tolerances.adjoint = (atol * scales.loss) * state.cwiseInverse();
  tolerances.parameter_gradient = (atol * scales.loss) * scales.parameters.cwiseInverse();
  return tolerances;
}

}  // namespace echolab
