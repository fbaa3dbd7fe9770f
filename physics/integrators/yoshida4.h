#pragma once

#include <cmath>

#include "physics/integrators/composition_scheme.h"

namespace echolab {

/// Yoshida's fourth-order "triple jump": three leapfrog sub-steps of
/// w1 h, w0 h, w1 h with
///
///   w1 = 1 / (2 - 2^(1/3)),   w0 = 1 - 2 w1   (w0 < 0).
///
/// Stable for h ω < 1.5734 (the product of its three sub-step matrices).
inline CompositionScheme Yoshida4() {
  const double w1 = 1.0 / (2.0 - std::cbrt(2.0));
  return {.name = "yoshida4", .weights = {w1, 1.0 - 2.0 * w1, w1}, .order = 4,
          .stability_limit = 1.5734};
}

}  // namespace echolab
