#include "learning/gradient_method_registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <utility>

#include "common/error.h"
#include "learning/adjoint_gradient.h"
#include "learning/discrete_adjoint_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "physics/integrator.h"

namespace echolab {

namespace {

using GradientMethodFactory =
    std::function<std::unique_ptr<GradientMethod>(const GradientMethodSettings&)>;

// The one list of gradient methods: a new method is one line here.
const std::vector<std::pair<std::string, GradientMethodFactory>>& Registry() {
  static const std::vector<std::pair<std::string, GradientMethodFactory>> registry = {
      {"echo",
       [](const GradientMethodSettings& s) {
         EchoOptions options = s.echo;
         options.estimator = EchoEstimator::kCentred;
         return std::make_unique<EchoGradient>(options);
       }},
      {"echo_one_sided",
       [](const GradientMethodSettings& s) {
         EchoOptions options = s.echo;
         options.estimator = EchoEstimator::kOneSided;
         return std::make_unique<EchoGradient>(options);
       }},
      {"adjoint",
       [](const GradientMethodSettings&) { return std::make_unique<AdjointGradient>(); }},
      {"discrete_adjoint",
       [](const GradientMethodSettings&) { return std::make_unique<DiscreteAdjointGradient>(); }},
      {"fd",
       [](const GradientMethodSettings& s) {
         return std::make_unique<FiniteDifferenceGradient>(s.fd_relative_step);
       }},
  };
  return registry;
}

}  // namespace

std::vector<std::string> GradientMethodNames() {
  std::vector<std::string> names;
  for (const auto& entry : Registry()) names.push_back(entry.first);
  return names;
}

std::unique_ptr<GradientMethod> MakeGradientMethod(const std::string& name,
                                                   const GradientMethodSettings& settings) {
  for (const auto& [registered, factory] : Registry()) {
    if (registered == name) return factory(settings);
  }
  throw InputError(fmt::format("unknown gradient method '{}', expected one of {}", name,
                               fmt::join(GradientMethodNames(), ", ")));
}

bool MethodSupportsScheme(const std::string& method, const std::string& scheme) {
  return MakeGradientMethod(method, {})->SupportsScheme(MakeIntegrator(scheme)->traits());
}

std::vector<std::string> SchemesSupportedBy(const std::string& method) {
  const std::unique_ptr<GradientMethod> made = MakeGradientMethod(method, {});
  return SchemeNamesWhere([&](const SchemeTraits& traits) { return made->SupportsScheme(traits); });
}

}  // namespace echolab
