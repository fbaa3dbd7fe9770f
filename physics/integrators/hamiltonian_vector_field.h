#pragma once

#include <memory>
#include <vector>

#include "physics/overdamped_dofs.h"
#include "physics/simulation_problem.h"

namespace echolab {

/// The right-hand side that the adaptive ODE solvers integrate, in the flat
/// layout x = [q; p]:
///
///   dq/dt = ∂H/∂p + a(p, t),    dp/dt = -∂H/∂q(q, u(t)) - G ∂H/∂p - γ p + f(q, t)
///
/// (G, γ from the problem's Dissipation; a, f from its ExternalDrive, if any), and for the
/// degrees of freedom without inertia dq_A/dt = -G_AA⁻¹ ∂V/∂q_A, dp_A/dt = 0 (OverdampedDofs).
/// Holds scratch
/// buffers, so each solve owns its own instance; counts its evaluations.
class HamiltonianVectorField {
 public:
  explicit HamiltonianVectorField(const SimulationProblem& problem);

  /// dxdt = f(t, x); both arrays have 2 num_dof entries.
  void Evaluate(double t_s, const double* x, double* dxdt);

  int state_size() const { return 2 * num_dof_; }
  long evaluations() const { return evaluations_; }

 private:
  const SimulationProblem& problem_;
  int num_dof_;
  std::unique_ptr<OverdampedDofs> overdamped_;  // null without overdamped dofs
  Vector q_, p_, u_, grad_q_, grad_p_;
  long evaluations_ = 0;
};

/// Output sample times t0, t0 + Δ, t0 + 2Δ, ..., ending exactly at t0 + T.
std::vector<double> UniformOutputTimes(double start_time_s, double duration_s, double interval_s);

}  // namespace echolab
