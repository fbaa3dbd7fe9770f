#pragma once

#include "physics/integrators/composition_scheme.h"

namespace echolab {

/// Leapfrog with position half-steps (drift-kick-drift, theory.md section 4):
///
///   q_a = q_k + (h/2) ∂T/∂p(p_k)
///   p_{k+1} = p_k - h ∂V/∂q(q_a, u(t_k + h/2))
///   q_{k+1} = q_a + (h/2) ∂T/∂p(p_{k+1})
///
/// Second order, symplectic, and exactly reversible under the momentum flip
/// (up to round-off): the default scheme for echo learning. Stable for
/// h ω < 2 on x'' = -ω² x.
inline CompositionScheme Leapfrog() {
  return {.name = "leapfrog", .weights = {1.0}, .order = 2, .stability_limit = 2.0};
}

}  // namespace echolab
