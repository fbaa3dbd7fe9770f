#include "learning/device_energy.h"

#include "physics/external_drive.h"

namespace echolab {

DeviceEnergy& DeviceEnergy::operator+=(const DeviceEnergy& other) {
  input_work_J += other.input_work_J;
  nudge_work_J += other.nudge_work_J;
  dissipated_J += other.dissipated_J;
  flip_energy_J += other.flip_energy_J;
  energy_change_J += other.energy_change_J;
  return *this;
}

double FlipEnergy_J(const SimulationProblem& pass, const PhaseState& before,
                    const PhaseState& after) {
  const HamiltonianSystem& system = *pass.system;
  return system.KineticEnergy(after.p, pass.theta) - system.KineticEnergy(before.p, pass.theta);
}

PassEnergyLedger::PassEnergyLedger(const SimulationProblem& pass, double step_s)
    : pass_(pass), step_s_(step_s) {}

double PassEnergyLedger::EnergyAt(double t_s, const PhaseState& x) {
  pass_.input.Evaluate(t_s, &u_);
  return pass_.system->Energy(x, pass_.theta, u_);
}

void PassEnergyLedger::Start(double t_s, const PhaseState& x) {
  start_energy_J_ = EnergyAt(t_s, x);
}

double PassEnergyLedger::DrivePower_W(double t_s, const PhaseState& x) {
  const HamiltonianSystem& system = *pass_.system;
  const ExternalDrive& drive = *pass_.drive;
  pass_.input.Evaluate(t_s, &u_);
  double power_W = 0.0;
  // ∂H/∂q · a(p, t)
  drive_rate_ = Vector::Zero(x.q.size());
  drive.AddVelocity(x.p, t_s, &drive_rate_);
  if (!drive_rate_.isZero(0.0)) {
    system.PotentialGradient(x.q, pass_.theta, u_, &coupling_);
    power_W += coupling_.dot(drive_rate_);
  }
  // ∂H/∂p · f(q, t)
  drive_rate_.setZero();
  drive.AddForce(x.q, t_s, &drive_rate_);
  if (!drive_rate_.isZero(0.0)) {
    system.KineticGradient(x.p, pass_.theta, &velocity_);
    power_W += velocity_.dot(drive_rate_);
  }
  return power_W;
}

void PassEnergyLedger::AddGridPoint(double weight_s, double t_s, const PhaseState& x) {
  const HamiltonianSystem& system = *pass_.system;
  if (pass_.drive) sums_.nudge_work_J += weight_s * DrivePower_W(t_s, x);
  if (system.num_inputs() > 0) {
    // du/dt ≈ [8 (u(t + δ) - u(t - δ)) - (u(t + 2δ) - u(t - 2δ))] / (12 δ), δ = h/2.
    const double delta_s = 0.5 * step_s_;
    pass_.input.Evaluate(t_s + delta_s, &u_scratch_);
    u_rate_ = 8.0 * u_scratch_;
    pass_.input.Evaluate(t_s - delta_s, &u_scratch_);
    u_rate_ -= 8.0 * u_scratch_;
    pass_.input.Evaluate(t_s + 2.0 * delta_s, &u_scratch_);
    u_rate_ -= u_scratch_;
    pass_.input.Evaluate(t_s - 2.0 * delta_s, &u_scratch_);
    u_rate_ += u_scratch_;
    u_rate_ /= 12.0 * delta_s;
    // P_in = ∂H/∂u · du/dt
    pass_.input.Evaluate(t_s, &u_);
    system.InputGradient(x.q, pass_.theta, u_, &coupling_);
    sums_.input_work_J += weight_s * coupling_.dot(u_rate_);
  }
  const Dissipation& damping = pass_.dissipation;
  if (damping.is_zero()) return;
  // P_d = vᵀ (G v + γ p), v = ∂H/∂p
  system.KineticGradient(x.p, pass_.theta, &velocity_);
  const double power_W = velocity_.dot(damping.FrictionTimes(velocity_)) +
                         damping.momentum_decay_rate_per_s * velocity_.dot(x.p);
  sums_.dissipated_J += weight_s * power_W;
}

void PassEnergyLedger::AddImpulse(double t_s, const PhaseState& before, const PhaseState& after) {
  sums_.nudge_work_J += EnergyAt(t_s, after) - EnergyAt(t_s, before);
}

void PassEnergyLedger::Finish(double t_s, const PhaseState& x, DeviceEnergy* total) {
  sums_.energy_change_J = EnergyAt(t_s, x) - start_energy_J_;
  *total += sums_;
  sums_ = DeviceEnergy{};
}

}  // namespace echolab
