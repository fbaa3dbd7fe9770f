#pragma once

#include "physics/simulation_problem.h"

namespace echolab {

/// The energy (J) that a device exchanges over the passes of a gradient,
/// with E = H(x, θ, u(t)) the device's energy including its input coupling.
/// Over each pass
///
///   E(end) - E(start) = input_work + nudge_work - dissipated,
///
/// and the flips between passes change the kinetic energy by flip_energy.
struct DeviceEnergy {
  /// ∫ ∂H/∂u · du/dt dt: the work of the inputs (the explicit time
  /// dependence of H).
  double input_work_J = 0.0;
  /// Σ [H(after) - H(before)] over the echo's nudge impulses.
  double nudge_work_J = 0.0;
  /// ∫ vᵀ (G v + γ p) dt with v = ∂H/∂p: the energy lost in damping and
  /// resistors (negative where a gain echo supplies it).
  double dissipated_J = 0.0;
  /// Σ [T(p after the flip) - T(p before)] over the flips: zero for an ideal
  /// flip, ((1 + g)² - 1) T for a flip with gain error g.
  double flip_energy_J = 0.0;
  /// Σ over the passes of E(end) - E(start), flips excluded.
  double energy_change_J = 0.0;

  /// input_work + nudge_work - dissipated - energy_change: zero for the
  /// exact flow, of the order of the integrator's error otherwise.
  double BalanceError_J() const {
    return input_work_J + nudge_work_J - dissipated_J - energy_change_J;
  }
  DeviceEnergy& operator+=(const DeviceEnergy& other);
};

/// T(p_after) - T(p_before): the kinetic energy a flip gives the device.
double FlipEnergy_J(const SimulationProblem& pass, const PhaseState& before,
                    const PhaseState& after);

/// Accumulates the DeviceEnergy of one pass from its states on a time grid:
/// the powers at each grid time t_k, weighted by the quadrature weight c_k of
/// the grid (in s), the impulses of the nudges, and E at both ends.
///
///   input power        P_in(t) = ∂H/∂u(x, u(t)) · du/dt
///   dissipated power   P_d(t)  = vᵀ (G v + γ p),   v = ∂H/∂p
///
///   drive power        P_a(t)  = ∂H/∂q · a(p, t) + ∂H/∂p · f(q, t)
///
/// the last for a pass with an ExternalDrive (the continuous echo's nudge),
/// counted as nudge work. du/dt is the fourth-order central difference of the
/// input over ±h/2 and ±h, so that the integrals keep the order of a
/// fourth-order scheme.
class PassEnergyLedger {
 public:
  /// `pass`: the substrate, θ, input and dissipation of the pass (not
  /// copied; it must outlive the ledger). `step_s`: the grid's step.
  PassEnergyLedger(const SimulationProblem& pass, double step_s);
  /// E at the pass's start.
  void Start(double t_s, const PhaseState& x);
  /// Adds c_k P_in(t_k) to the input work, c_k P_d(t_k) to the dissipated
  /// energy and c_k P_a(t_k) to the nudge work, at the state x = x(t_k).
  void AddGridPoint(double weight_s, double t_s, const PhaseState& x);
  /// Adds H(after) - H(before) of an impulse at time t to the nudge work.
  void AddImpulse(double t_s, const PhaseState& before, const PhaseState& after);
  /// Adds E(end) - E(start) and this pass's sums to *total.
  void Finish(double t_s, const PhaseState& x, DeviceEnergy* total);

 private:
  double EnergyAt(double t_s, const PhaseState& x);
  // P_a(t) = ∂H/∂q · a(p, t) + ∂H/∂p · f(q, t), with u_ = u(t).
  double DrivePower_W(double t_s, const PhaseState& x);

  const SimulationProblem& pass_;
  double step_s_;
  DeviceEnergy sums_;
  double start_energy_J_ = 0.0;
  Vector u_, u_rate_, u_scratch_, coupling_, velocity_, drive_rate_;
};

}  // namespace echolab
