#pragma once

#include <string_view>

namespace echolab {

/// The number of intervals of at most `step_s` that cover `duration_s`:
///
///   N = max(1, ceil(T / h - 1e-9))
///
/// (a remainder below 1e-9 h is dropped). The quotient is range-checked as a
/// double before it is cast: when N would exceed `max_count` (or T / h is not
/// a number), throws InputError naming `step_key`, the duration
/// (simulation.duration_s), the count and integrator.max_steps.
long CountIntervals(double duration_s, double step_s, long max_count, std::string_view step_key);

}  // namespace echolab
