#include "physics/integrators/leapfrog.h"

namespace echolab {

SchemeTraits LeapfrogIntegrator::traits() const {
  return SchemeTraits{.fixed_step = true, .symplectic = true, .symmetric = true, .order = 2};
}

std::unique_ptr<FixedStepIntegrator::Stepper> LeapfrogIntegrator::MakeStepper(
    const SimulationProblem& problem) const {
  return std::make_unique<CompositionStepper>(problem, CompositionWeights());
}

}  // namespace echolab
