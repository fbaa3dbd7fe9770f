#include "circuits/node_voltmeter.h"

namespace echolab {

NodeVoltmeter::NodeVoltmeter(const CircuitHamiltonian& circuit, const SimulationProblem& problem)
    : circuit_(circuit), problem_(problem) {
  if (problem.dissipation.has_overdamped_dofs()) algebraic_.emplace(problem);
}

// v = C⁻¹ Q; v_A = -G_AA⁻¹ ∂V/∂Φ_A
const Vector& NodeVoltmeter::At(double t_s, const PhaseState& x) {
  circuit_.KineticGradient(x.p, problem_.theta, &voltages_);
  if (algebraic_) {
    problem_.input.Evaluate(t_s, &u_);
    circuit_.PotentialGradient(x.q, problem_.theta, u_, &potential_gradient_);
    algebraic_->SetRates(potential_gradient_, &voltages_);
  }
  return voltages_;
}

}  // namespace echolab
