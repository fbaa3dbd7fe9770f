#pragma once

#include "physics/integrators/fixed_step_integrator.h"

namespace echolab {

/// Leapfrog with position half-steps (drift-kick-drift, theory.md section 4):
///
///   q_a = q_k + (h/2) ∂T/∂p(p_k)
///   p_{k+1} = p_k - h ∂V/∂q(q_a, u(t_k + h/2))
///   q_{k+1} = q_a + (h/2) ∂T/∂p(p_{k+1})
///
/// Second order, symplectic, and exactly reversible under the momentum flip
/// (up to round-off): the default scheme for echo learning.
class LeapfrogIntegrator final : public FixedStepIntegrator {
 public:
  std::string name() const override { return "leapfrog"; }
  SchemeTraits traits() const override;
  std::vector<double> CompositionWeights() const override { return {1.0}; }

 private:
  std::unique_ptr<Stepper> MakeStepper(const SimulationProblem& problem) const override;
};

}  // namespace echolab
