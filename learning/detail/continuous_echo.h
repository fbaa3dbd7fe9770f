#pragma once

#include "learning/echo_options.h"
#include "learning/gradient_method.h"

namespace echolab::detail {

/// Continuous RHEL on any scheme (adaptive ones included): the echoes are
/// ordinary passes of the integrator with the continuous nudge
///
///   dx_e/ds = J ∇H(x_e, P u(T - s)) + β Sx ∇l(Sz x_e, T - s),
///   x_e(0) = Sz x(T) ± β Sx ∇l_T(x(T)),
///
/// run one after the other as on hardware (so the nudge acts at each echo's
/// own state). The integrals ∫ ∂θH(x_e(s)) ds, the loss and its direct term
/// are summed with Simpson's rule over uniformly spaced output samples of
/// spacing ≈ IntegratorOptions::step_s, from the solvers' dense output.
/// With thermal noise (scheme baoab) every pass has its own realisation: the
/// forward pass the problem's seed, the echoes seed + 1 and seed + 2.
GradientResult ContinuousEcho(const GradientProblem& problem, const EchoOptions& options);

}  // namespace echolab::detail
