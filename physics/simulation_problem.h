#pragma once

#include <memory>

#include "physics/dissipation.h"
#include "physics/external_drive.h"
#include "physics/hamiltonian_system.h"
#include "physics/input_signal.h"

namespace echolab {

/// One pass of a substrate: what to integrate, from where, for how long, and
/// with which non-idealities. The system is not owned and must outlive the pass.
struct SimulationProblem {
  const HamiltonianSystem* system = nullptr;
  Vector theta;
  InputSignal input;
  PhaseState initial_state;
  double start_time_s = 0.0;
  double duration_s = 1.0;
  Dissipation dissipation;
  ThermalNoise noise;
  /// Optional generalised force (the echo's nudge); null for none.
  std::shared_ptr<const ExternalDrive> drive;

  double end_time_s() const { return start_time_s + duration_s; }
  /// Throws InputError naming the first inconsistent field (sizes, duration,
  /// parameters out of the model's domain).
  void Validate() const;
};

}  // namespace echolab
