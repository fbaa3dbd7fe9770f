#include "physics/integrators/composition_scheme.h"

#include <fmt/format.h>

#include <cmath>
#include <numeric>

#include "common/error.h"

namespace echolab {

CompositionIntegrator::CompositionIntegrator(CompositionScheme scheme)
    : scheme_(std::move(scheme)) {
  const std::vector<double>& c = scheme_.weights;
  const double sum = std::accumulate(c.begin(), c.end(), 0.0);
  bool symmetric = !c.empty() && std::abs(sum - 1.0) < 1e-12;
  for (size_t i = 0; i < c.size(); ++i) symmetric = symmetric && c[i] == c[c.size() - 1 - i];
  ECHOLAB_CHECK(symmetric && scheme_.order >= 2 && scheme_.stability_limit > 0.0,
                fmt::format("composition scheme '{}': expected symmetric weights summing to 1, "
                            "an order >= 2 and a stability limit > 0",
                            scheme_.name));
}

SchemeTraits CompositionIntegrator::traits() const {
  return SchemeTraits{.fixed_step = true,
                      .symplectic = true,
                      .symmetric = true,
                      .order = scheme_.order,
                      .stability_limit = scheme_.stability_limit,
                      .composition_weights = scheme_.weights};
}

std::unique_ptr<FixedStepIntegrator::Stepper> CompositionIntegrator::MakeStepper(
    const SimulationProblem& problem) const {
  return std::make_unique<CompositionStepper>(problem, scheme_.weights);
}

}  // namespace echolab
