#include "physics/integrators/leapfrog.h"

namespace echolab {

SchemeTraits LeapfrogIntegrator::traits() const {
  // h ω < 2: the stability interval of leapfrog on x'' = -ω² x.
  return SchemeTraits{.fixed_step = true,
                      .symplectic = true,
                      .symmetric = true,
                      .order = 2,
                      .stability_limit = 2.0};
}

std::unique_ptr<FixedStepIntegrator::Stepper> LeapfrogIntegrator::MakeStepper(
    const SimulationProblem& problem) const {
  return std::make_unique<CompositionStepper>(problem, CompositionWeights());
}

}  // namespace echolab
