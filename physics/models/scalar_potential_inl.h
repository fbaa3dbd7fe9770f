#pragma once

#include <cmath>

namespace echolab {

inline LawValues EvaluateLaw(PotentialLaw law, double d, const double* params) {
  switch (law) {
    case PotentialLaw::kHarmonic: {
      const double k = params[0];
      return {0.5 * k * d * d, k * d, k, {0.5 * d * d, 0.0}, {d, 0.0}};
    }
    case PotentialLaw::kQuartic: {
      const double k = params[0], b = params[1];
      const double d2 = d * d;
      return {0.5 * k * d2 + 0.25 * b * d2 * d2,
              k * d + b * d2 * d,
              k + 3.0 * b * d2,
              {0.5 * d2, 0.25 * d2 * d2},
              {d, d2 * d}};
    }
    case PotentialLaw::kCosine: {
      const double energy = params[0];
      const double c = std::cos(d), s = std::sin(d);
      return {energy * (1.0 - c), energy * s, energy * c, {1.0 - c, 0.0}, {s, 0.0}};
    }
  }
  return {};
}

}  // namespace echolab
