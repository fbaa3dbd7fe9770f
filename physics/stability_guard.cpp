#include "physics/stability_guard.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "physics/highest_frequency.h"
#include "physics/integrator.h"
#include "physics/integrators/fixed_step_integrator.h"

namespace echolab {
namespace {

// g: the largest rate at which the damping feeds the momenta, from
// dp/dt = -A p; 0 for a passive pass. With a friction matrix that has a gain
// on its diagonal (a gain echo), Gershgorin's bound on A's eigenvalues,
// Re λ >= min_i (A_ii - Σ_{j≠i} |A_ij|); otherwise the rates γ + G_i / m_i.
// A gain with no cheap bound (T not of the needed form) is infinite: the
// energy test is then off.
double GainRate(const SimulationProblem& problem) {
  const Dissipation& damping = problem.dissipation;
  if (damping.has_friction_matrix() && damping.friction_matrix.diagonal().minCoeff() < 0.0) {
    if (!problem.system->HasQuadraticKineticEnergy())
      return std::numeric_limits<double>::infinity();
    const Eigen::MatrixXd generator = DampingGenerator(problem);
    const Vector diagonal = generator.diagonal();
    const Vector off_diagonal = generator.cwiseAbs().rowwise().sum() - diagonal.cwiseAbs();
    return std::max((off_diagonal - diagonal).maxCoeff(), 0.0);
  }
  double rate = -damping.momentum_decay_rate_per_s;
  if (damping.has_friction_vector()) {
    const auto masses = problem.system->DiagonalMasses(problem.theta);
    if (!masses) {
      return damping.friction_N_s_per_m.minCoeff() < 0.0 ? std::numeric_limits<double>::infinity()
                                                         : std::max(rate, 0.0);
    }
    rate -= damping.friction_N_s_per_m.cwiseQuotient(*masses).minCoeff();
  }
  return std::max(rate, 0.0);
}

// "q_3 = 1.2e+06": the entry of x largest in magnitude, numbered from 1.
std::string LargestComponent(const PhaseState& x) {
  Eigen::Index q_index = 0, p_index = 0;
  const double q_max = x.q.size() > 0 ? x.q.cwiseAbs().maxCoeff(&q_index) : 0.0;
  const double p_max = x.p.size() > 0 ? x.p.cwiseAbs().maxCoeff(&p_index) : 0.0;
  if (q_max >= p_max) return fmt::format("q_{} = {:.3g}", q_index + 1, x.q[q_index]);
  return fmt::format("p_{} = {:.3g}", p_index + 1, x.p[p_index]);
}

}  // namespace

StabilityGuard::StabilityGuard(const SimulationProblem& problem, const IntegratorOptions& options)
    : problem_(problem),
      options_(options),
      thermal_scale_J_(problem.system->num_dof() * problem.noise.thermal_energy_J),
      gain_rate_per_s_(GainRate(problem)) {
  initial_energy_J_ = EnergyOf(problem.start_time_s, problem.initial_state);
  TrackScale(problem.start_time_s, problem.initial_state);
}

// E = T(p) + |V(q, u(t))|.
double StabilityGuard::EnergyOf(double t_s, const PhaseState& x) {
  problem_.input.Evaluate(t_s, &u_);
  return std::abs(problem_.system->KineticEnergy(x.p, problem_.theta)) +
         std::abs(problem_.system->PotentialEnergy(x.q, problem_.theta, u_));
}

// Running maxima of |u|, |∂V/∂u| and |f · q| + |a · p| (u_ holds u(t)).
void StabilityGuard::TrackScale(double t_s, const PhaseState& x) {
  if (u_.size() > 0) {
    problem_.system->InputGradient(x.q, problem_.theta, u_, &scratch_);
    max_input_ = std::max(max_input_, u_.norm());
    max_input_coupling_ = std::max(max_input_coupling_, scratch_.norm());
  }
  if (problem_.drive) {
    drive_ = Vector::Zero(x.q.size());
    problem_.drive->AddForce(x.q, t_s, &drive_);
    double work_J = std::abs(drive_.dot(x.q));
    drive_.setZero();
    problem_.drive->AddVelocity(x.p, t_s, &drive_);
    work_J += std::abs(drive_.dot(x.p));
    max_drive_work_J_ = std::max(max_drive_work_J_, work_J);
  }
}

double StabilityGuard::Scale(double t_s) const {
  const double supplied_J = std::max(
      {initial_energy_J_, thermal_scale_J_, max_input_ * max_input_coupling_, max_drive_work_J_});
  if (gain_rate_per_s_ == 0.0) return supplied_J;
  return supplied_J * std::exp(2.0 * gain_rate_per_s_ * (t_s - problem_.start_time_s));
}

bool StabilityGuard::Check(double t_s, const PhaseState& x) {
  const double energy_J = EnergyOf(t_s, x);
  if (std::isfinite(energy_J)) {
    TrackScale(t_s, x);
    // A pass with nothing in it (S = 0) stays at rest: nothing to compare.
    const double scale_J = Scale(t_s);
    if (scale_J == 0.0 || !(energy_J > options_.max_energy_growth * scale_J)) return true;
  }
  message_ = Explain(t_s, x, energy_J);
  return false;
}

std::string StabilityGuard::Explain(double t_s, const PhaseState& x, double energy_J) const {
  if (!std::isfinite(energy_J)) {
    return fmt::format(
        "at t = {:.6g} s the energy overflowed (from {:.3g} J at the start); the largest component "
        "is {}{}",
        t_s, initial_energy_J_, LargestComponent(x), StepStabilityNote());
  }
  return fmt::format(
      "at t = {:.6g} s the energy grew from {:.3g} J to {:.3g} J, beyond "
      "integrator.max_energy_growth = {:.3g} times its scale {:.3g} J (the initial energy and "
      "what the inputs, drive and noise can supply); the largest component is {}{}",
      t_s, initial_energy_J_, energy_J, options_.max_energy_growth, Scale(t_s), LargestComponent(x),
      StepStabilityNote());
}

// For a fixed-step scheme with a stability limit c (h ω < c), compares the
// step with c / ω_max of the substrate linearised at the initial state.
std::string StabilityGuard::StepStabilityNote() const {
  const double limit = MakeIntegrator(options_.scheme)->traits().stability_limit;
  Vector u0;
  problem_.input.Evaluate(problem_.start_time_s, &u0);
  const std::optional<double> omega =
      limit > 0.0 ? HighestAngularFrequency(problem_, problem_.initial_state.q, u0) : std::nullopt;
  if (!omega || *omega == 0.0) {
    return "; this is typically an indication that the substrate is unstable (negative "
           "stiffness, gain in the damping) or that the step is too large for its fastest mode";
  }
  const double stable_step_s = limit / *omega;
  const std::string bound = fmt::format(
      "the {} stability limit {:.4g}/omega_max = {:.3g} s (omega_max = {:.4g} rad/s, the fastest "
      "mode of the substrate linearised at the initial state)",
      options_.scheme, limit, stable_step_s, *omega);
  if (options_.step_s > stable_step_s) {
    return fmt::format("; the step {:.3g} s exceeds {}: shorten integrator.step_s", options_.step_s,
                       bound);
  }
  return fmt::format(
      "; the step {:.3g} s is within {}, so the substrate itself is unstable (negative stiffness, "
      "gain) or has left its initial linearisation",
      options_.step_s, bound);
}

}  // namespace echolab
