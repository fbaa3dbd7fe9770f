#pragma once

#include <optional>

#include "circuits/circuit_hamiltonian.h"
#include "physics/overdamped_dofs.h"
#include "physics/simulation_problem.h"

namespace echolab {

/// The node voltages of a circuit's state, v = ∂H/∂Q = C⁻¹ Q, and at its
/// algebraic nodes (no capacitance) v_A = dΦ_A/dt = -G_AA⁻¹ ∂V/∂Φ_A(Φ, u(t))
/// (OverdampedDofs), which needs the time for the sources. The problem (a
/// pass of `circuit`, with its ResistiveDissipation) must outlive this.
class NodeVoltmeter {
 public:
  NodeVoltmeter(const CircuitHamiltonian& circuit, const SimulationProblem& problem);
  /// v (V) of every free node at time t_s in state x.
  const Vector& At(double t_s, const PhaseState& x);

 private:
  const CircuitHamiltonian& circuit_;
  const SimulationProblem& problem_;
  std::optional<OverdampedDofs> algebraic_;
  Vector voltages_, potential_gradient_, u_;
};

}  // namespace echolab
