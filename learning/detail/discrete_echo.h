#pragma once

#include "learning/echo_options.h"
#include "learning/gradient_method.h"

namespace echolab::detail {

/// The echo on a symmetric composition scheme (EchoGradient): the forward
/// pass on the step grid, the (imperfect) momentum flip, then the echoes
/// stepped in lockstep with the sub-steps of the scheme replayed, nudged by
/// the loss impulse of each forward step, and the estimates assembled from
/// their parameter sums, ends and kicks. One experiment, no repetition; the
/// problem has been checked (EchoGradient::DoCheckSupport).
GradientResult DiscreteEcho(const GradientProblem& problem, const EchoOptions& options);

}  // namespace echolab::detail
