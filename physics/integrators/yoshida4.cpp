#include "physics/integrators/yoshida4.h"

#include <cmath>

namespace echolab {

SchemeTraits Yoshida4Integrator::traits() const {
  return SchemeTraits{.fixed_step = true, .symplectic = true, .symmetric = true, .order = 4};
}

// w1 = 1 / (2 - 2^(1/3)),  w0 = 1 - 2 w1
std::vector<double> Yoshida4Integrator::CompositionWeights() const {
  const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
  return {w1, 1.0 - 2.0 * w1, w1};
}

std::unique_ptr<FixedStepIntegrator::Stepper> Yoshida4Integrator::MakeStepper(
    const SimulationProblem& problem) const {
  return std::make_unique<CompositionStepper>(problem, CompositionWeights());
}

}  // namespace echolab
