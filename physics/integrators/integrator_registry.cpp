#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <map>

#include "common/error.h"
#include "physics/integrator.h"
#include "physics/integrators/arkode_erk.h"
#include "physics/integrators/baoab.h"
#include "physics/integrators/cvode_adams.h"
#include "physics/integrators/leapfrog.h"
#include "physics/integrators/odeint_dopri5.h"
#include "physics/integrators/yoshida4.h"
#include "physics/integrators/yoshida6.h"

namespace echolab {
namespace {

using Factory = std::function<std::unique_ptr<Integrator>()>;

template <typename T>
Factory Make() {
  return [] { return std::make_unique<T>(); };
}

Factory MakeComposition(CompositionScheme scheme) {
  return [scheme] { return std::make_unique<CompositionIntegrator>(scheme); };
}

Factory MakeErk(ErkTable table) {
  return [table] { return std::make_unique<ArkodeErkIntegrator>(table); };
}

const std::map<std::string, Factory>& Registry() {
  static const std::map<std::string, Factory> registry = {
      {"leapfrog", MakeComposition(Leapfrog())},
      {"yoshida4", MakeComposition(Yoshida4())},
      {"yoshida6", MakeComposition(Yoshida6())},
      {"baoab", Make<BaoabIntegrator>()},
      {"cvode_adams", Make<CvodeAdamsIntegrator>()},
      {"arkode_dopri5", MakeErk(ErkTable::kDormandPrince5)},
      {"arkode_verner6", MakeErk(ErkTable::kVerner6)},
      {"odeint_dopri5", Make<OdeintDopri5Integrator>()},
  };
  return registry;
}

}  // namespace

std::unique_ptr<Integrator> MakeIntegrator(const std::string& scheme) {
  const auto it = Registry().find(scheme);
  if (it == Registry().end()) {
    throw InputError(fmt::format("integrator.scheme: unknown scheme '{}', expected one of {}",
                                 scheme, fmt::join(SchemeNames(), ", ")));
  }
  return it->second();
}

std::vector<std::string> SchemeNames() {
  return SchemeNamesWhere([](const SchemeTraits&) { return true; });
}

std::vector<std::string> SchemeNamesWhere(
    const std::function<bool(const SchemeTraits&)>& predicate) {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) {
    if (predicate(factory()->traits())) names.push_back(name);
  }
  return names;
}

std::vector<std::string> CompositionSchemeNames() {
  return SchemeNamesWhere(
      [](const SchemeTraits& traits) { return !traits.composition_weights.empty(); });
}

}  // namespace echolab
