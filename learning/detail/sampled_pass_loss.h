#pragma once

#include "learning/gradient_method.h"

namespace echolab::detail {

/// The sums over a pass of any scheme (adaptive ones included) are Simpson's
/// rule over M + 1 uniformly spaced samples of the solver's dense output.

/// The weight of sample j of M intervals (M even) of spacing Δ:
/// Δ/3 × (1, 4, 2, 4, ..., 2, 4, 1).
double SimpsonWeight(long j, long intervals, double spacing_s);

/// An even number M >= 2 of sample intervals of spacing ≈ step_s over the
/// duration; throws InputError naming integrator.step_s when it is not > 0 or
/// gives more than max_steps intervals.
long SampleIntervals(double duration_s, double step_s, long max_steps);

/// The loss of one pass of the problem's scheme by the same Simpson sums as
/// ContinuousEcho (samples of spacing ≈ step_s); with thermal noise, the
/// realisation of the pass's seed. Adds the integrator's steps to *steps.
/// Throws SolverError when the pass fails.
double SampledPassLoss(const GradientProblem& problem, long* steps);

}  // namespace echolab::detail
