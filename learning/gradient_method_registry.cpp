#include "learning/gradient_method_registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "learning/adjoint_gradient.h"
#include "learning/detail/discrete_pass.h"
#include "learning/discrete_adjoint_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "physics/error.h"

namespace echolab {

std::vector<std::string> GradientMethodNames() {
  return {"echo", "echo_one_sided", "adjoint", "discrete_adjoint", "fd"};
}

std::unique_ptr<GradientMethod> MakeGradientMethod(const std::string& name,
                                                   const GradientMethodSettings& settings) {
  if (name == "echo" || name == "echo_one_sided") {
    EchoOptions options = settings.echo;
    options.estimator = name == "echo" ? EchoEstimator::kCentred : EchoEstimator::kOneSided;
    return std::make_unique<EchoGradient>(options);
  }
  if (name == "adjoint") return std::make_unique<AdjointGradient>();
  if (name == "discrete_adjoint") return std::make_unique<DiscreteAdjointGradient>();
  if (name == "fd") return std::make_unique<FiniteDifferenceGradient>(settings.fd_relative_step);
  throw InputError(fmt::format("unknown gradient method '{}', expected one of {}", name,
                               fmt::join(GradientMethodNames(), ", ")));
}

bool MethodSupportsScheme(const std::string& method, const std::string& scheme) {
  if (method == "fd" && scheme == "baoab") return true;  // the pathwise derivative
  if (method == "discrete_adjoint" || method == "fd") {
    return detail::IsCompositionScheme(scheme);
  }
  return true;
}

}  // namespace echolab
