#pragma once

#include <string>

#include "physics/integrator_options.h"
#include "physics/simulation_problem.h"

namespace echolab {

/// Stops a pass whose energy grows far beyond anything that feeds it: a
/// fixed step beyond the scheme's stability limit, or a substrate that is
/// unstable (negative stiffness, gain). With the energy measure
///
///   E(x, t) = T(p) + |V(q, u(t))|
///
/// and the energy scale of the pass (what it starts with and what its inputs,
/// drive and noise can put in; gains multiply it by their largest growth)
///
///   S(t) = exp(2 g (t - t0)) max(E(x0, t0), n k_B T_noise,
///                                max_{s<=t} |u(s)| max_{s<=t} |∂V/∂u(q(s))|,
///                                max_{s<=t} |f(q(s), s) · q(s)| + |a(p(s), s) · p(s)|),
///
/// g = the largest momentum gain rate (0 without gain), a pass fails once
///
///   E(x(t), t) > G S(t),   G = IntegratorOptions::max_energy_growth (1e6).
///
/// A conservative, damped, driven or thermal pass stays within a few S; an
/// unstable one grows exponentially and crosses G S. The scale is tracked
/// at every check, so checks must be frequent enough to see the inputs.
class StabilityGuard {
 public:
  /// `options` is what the pass runs with (the scheme and its step, for the
  /// message). Evaluates the energy at the initial state.
  StabilityGuard(const SimulationProblem& problem, const IntegratorOptions& options);

  /// False when x at t exceeds the limit (or is not finite); message() then
  /// says when, by how much, which component is largest and, for fixed-step
  /// schemes, whether the step exceeds the scheme's stability limit.
  bool Check(double t_s, const PhaseState& x);
  const std::string& message() const { return message_; }
  /// The energy E at the initial state (J).
  double initial_energy_J() const { return initial_energy_J_; }

 private:
  double EnergyOf(double t_s, const PhaseState& x);
  void TrackScale(double t_s, const PhaseState& x);
  double Scale(double t_s) const;
  std::string Explain(double t_s, const PhaseState& x, double energy_J) const;
  std::string StepStabilityNote() const;

  const SimulationProblem& problem_;
  const IntegratorOptions options_;
  double initial_energy_J_ = 0.0;
  double thermal_scale_J_ = 0.0;
  double gain_rate_per_s_ = 0.0;
  double max_input_ = 0.0;
  double max_input_coupling_ = 0.0;
  double max_drive_work_J_ = 0.0;
  Vector u_, scratch_, drive_;
  std::string message_;
};

}  // namespace echolab
