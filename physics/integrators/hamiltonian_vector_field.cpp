#include "physics/integrators/hamiltonian_vector_field.h"

#include <cmath>

#include "physics/step_count.h"

namespace echolab {

HamiltonianVectorField::HamiltonianVectorField(const SimulationProblem& problem)
    : problem_(problem), num_dof_(problem.system->num_dof()) {
  q_.resize(num_dof_);
  p_.resize(num_dof_);
  if (problem.dissipation.has_overdamped_dofs()) {
    overdamped_ = std::make_unique<OverdampedDofs>(problem);
  }
}

void HamiltonianVectorField::Evaluate(double t_s, const double* x, double* dxdt) {
  ++evaluations_;
  const auto n = static_cast<Eigen::Index>(num_dof_);
  q_ = Eigen::Map<const Vector>(x, n);
  p_ = Eigen::Map<const Vector>(x + n, n);
  const HamiltonianSystem& system = *problem_.system;
  problem_.input.Evaluate(t_s, &u_);
  system.KineticGradient(p_, problem_.theta, &grad_p_);
  system.PotentialGradient(q_, problem_.theta, u_, &grad_q_);

  Eigen::Map<Vector> dq(dxdt, n), dp(dxdt + n, n);
  dq = grad_p_;
  // dp/dt = -∂H/∂q - G ∂H/∂p - γ p
  dp = -grad_q_;
  const Dissipation& damping = problem_.dissipation;
  if (damping.has_friction_vector() || damping.has_friction_matrix()) {
    dp -= damping.FrictionTimes(grad_p_);
  }
  if (damping.momentum_decay_rate_per_s != 0.0) dp -= damping.momentum_decay_rate_per_s * p_;
  if (overdamped_ != nullptr) {
    // dq_A/dt = -G_AA⁻¹ ∂V/∂q_A, dp_A/dt = 0
    grad_p_ = dq;
    overdamped_->SetRates(grad_q_, &grad_p_);
    dq = grad_p_;
    grad_q_ = dp;
    overdamped_->ZeroEntries(&grad_q_);
    dp = grad_q_;
  }
  if (problem_.drive) {
    // dq/dt += a(p, t), dp/dt += f(q, t)
    grad_p_ = dq;
    problem_.drive->AddVelocity(p_, t_s, &grad_p_);
    dq = grad_p_;
    grad_q_ = dp;
    problem_.drive->AddForce(q_, t_s, &grad_q_);
    dp = grad_q_;
  }
}

std::vector<double> UniformOutputTimes(double start_time_s, double duration_s, double interval_s) {
  // The last interval may be shorter; a remainder below 1e-9 Δ is dropped.
  const long intervals =
      CountIntervals(duration_s, interval_s, kMaxOutputSamples, "integrator.output_interval_s",
                     "the most output samples of a pass");
  std::vector<double> times;
  times.reserve(static_cast<size_t>(intervals) + 1);
  for (long k = 0; k < intervals; ++k) {
    times.push_back(start_time_s + static_cast<double>(k) * interval_s);
  }
  times.push_back(start_time_s + duration_s);
  return times;
}

}  // namespace echolab
