#include "physics/integrators/yoshida4.h"

#include <cmath>

namespace echolab {
namespace {

// |trace| of the one-step matrix of x'' = -ω² x stays <= 2 (bounded motion)
// for h ω below 1.5734 (the triple jump's stability interval, computed from
// the product of its three leapfrog sub-step matrices).
constexpr double kStabilityLimit = 1.5734;

}  // namespace

SchemeTraits Yoshida4Integrator::traits() const {
  return SchemeTraits{.fixed_step = true,
                      .symplectic = true,
                      .symmetric = true,
                      .order = 4,
                      .stability_limit = kStabilityLimit};
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
