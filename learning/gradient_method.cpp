#include "learning/gradient_method.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>

#include "common/error.h"

namespace echolab {
void GradientProblem::Validate() const {
  if (!loss) throw InputError("gradient problem: no loss was given");
  integrator.Validate();
  forward.Validate();
  if (forward.drive) {
    throw InputError(
        "gradient problem: the forward pass has an external drive; the gradient methods do not "
        "differentiate through one (the echo adds its own nudge)");
  }
  if (scales.empty()) return;
  const Eigen::Index n = forward.initial_state.q.size();
  if (scales.state.q.size() != n || scales.state.p.size() != n ||
      scales.parameters.size() != forward.theta.size()) {
    throw InputError(fmt::format(
        "gradient problem: scales has {} + {} state and {} parameter entries, expected {} + {} "
        "and {}; measure them with MeasureProblemScales",
        scales.state.q.size(), scales.state.p.size(), scales.parameters.size(), n, n,
        forward.theta.size()));
  }
  if (!(scales.loss > 0.0) || !(scales.state.q.minCoeff() > 0.0) ||
      !(scales.state.p.minCoeff() > 0.0) || !(scales.parameters.minCoeff() > 0.0)) {
    throw InputError("gradient problem: every entry of scales must be positive");
  }
}

bool GradientMethod::SupportsScheme(const SchemeTraits& /*traits*/) const { return true; }

void GradientMethod::CheckSupport(const GradientProblem& problem) const {
  const std::string& scheme = problem.integrator.scheme;
  if (!SupportsScheme(MakeIntegrator(scheme)->traits())) {
    throw InputError(fmt::format(
        "integrator.scheme: the {} method cannot run the scheme '{}'; it runs {}", name(), scheme,
        fmt::join(SchemeNamesWhere([this](const SchemeTraits& t) { return SupportsScheme(t); }),
                  ", ")));
  }
  DoCheckSupport(problem);
}

GradientResult GradientMethod::Compute(const GradientProblem& problem) const {
  problem.Validate();
  CheckSupport(problem);
  GradientResult result = DoCompute(problem);
  result.method = name();
  result.cost.pass_time_s = result.cost.hardware_passes * problem.forward.duration_s;
  return result;
}

}  // namespace echolab
