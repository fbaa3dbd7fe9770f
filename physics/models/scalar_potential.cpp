#include "physics/models/scalar_potential.h"

#include <fmt/format.h>

#include "common/error.h"

namespace echolab {

const std::vector<std::string>& LawParameterNames(PotentialLaw law) {
  static const std::vector<std::string> harmonic = {"k"}, quartic = {"k", "b"}, cosine = {"E"};
  switch (law) {
    case PotentialLaw::kHarmonic:
      return harmonic;
    case PotentialLaw::kQuartic:
      return quartic;
    case PotentialLaw::kCosine:
      return cosine;
  }
  return harmonic;
}

PotentialLaw ParsePotentialLaw(const std::string& name, const std::string& field) {
  if (name == "harmonic") return PotentialLaw::kHarmonic;
  if (name == "quartic" || name == "duffing" || name == "fpu") return PotentialLaw::kQuartic;
  if (name == "cosine" || name == "josephson") return PotentialLaw::kCosine;
  throw InputError(fmt::format(
      "{}: unknown potential law '{}', expected harmonic, quartic (duffing, fpu) or cosine "
      "(josephson)",
      field, name));
}

const char* ToString(PotentialLaw law) {
  switch (law) {
    case PotentialLaw::kHarmonic:
      return "harmonic";
    case PotentialLaw::kQuartic:
      return "quartic";
    case PotentialLaw::kCosine:
      return "cosine";
  }
  return "unknown";
}

}  // namespace echolab
