#pragma once

#include <array>
#include <string>
#include <vector>

namespace echolab {

/// The scalar laws φ(d; params) used for on-site potentials (d = q_i) and
/// pair couplings (d = q_j - q_i) of an oscillator network.
///
///   harmonic:  φ = k d² / 2                       params (k)
///   quartic:   φ = k d² / 2 + b d⁴ / 4            params (k, b)   Duffing / FPU-β
///   cosine:    φ = E (1 - cos d)                  params (E)      Josephson-like, d in rad
enum class PotentialLaw { kHarmonic, kQuartic, kCosine };

/// Number of parameters of a law (1 or 2).
constexpr int LawParameterCount(PotentialLaw law) {
  return law == PotentialLaw::kQuartic ? 2 : 1;
}

/// Parameter name prefixes of a law, e.g. {"k", "b"} for kQuartic.
const std::vector<std::string>& LawParameterNames(PotentialLaw law);
/// Parses "harmonic", "quartic" (also "duffing", "fpu") or "cosine" (also
/// "josephson"); throws InputError naming `field` otherwise.
PotentialLaw ParsePotentialLaw(const std::string& name, const std::string& field);
const char* ToString(PotentialLaw law);

/// φ and its derivatives at d for one law; `params` points at its parameters.
struct LawValues {
  double value;                          // φ
  double slope;                          // φ'
  double curvature;                      // φ''
  std::array<double, 2> value_by_param;  // ∂φ/∂param_j
  std::array<double, 2> slope_by_param;  // ∂φ'/∂param_j
};

inline LawValues EvaluateLaw(PotentialLaw law, double d, const double* params);

}  // namespace echolab

#include "physics/models/scalar_potential_inl.h"
