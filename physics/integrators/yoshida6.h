#pragma once

#include "physics/integrators/composition_scheme.h"

namespace echolab {

/// Yoshida's sixth-order composition (Yoshida 1990, "solution A"): seven
/// leapfrog sub-steps of w3, w2, w1, w0, w1, w2, w3 (× h) with
///
///   w1 = -1.17767998417887,  w2 = 0.235573213359357,
///   w3 =  0.784513610477560, w0 = 1 - 2 (w1 + w2 + w3).
///
/// Stable for h ω < 2.2690 (the product of its seven sub-step matrices).
inline CompositionScheme Yoshida6() {
  constexpr double w1 = -1.17767998417887, w2 = 0.235573213359357, w3 = 0.784513610477560;
  constexpr double w0 = 1.0 - 2.0 * (w1 + w2 + w3);
  return {.name = "yoshida6", .weights = {w3, w2, w1, w0, w1, w2, w3}, .order = 6,
          .stability_limit = 2.2690};
}

}  // namespace echolab
