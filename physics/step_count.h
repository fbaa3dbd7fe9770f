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
/// (simulation.duration_s), the count and the limit (`limit_name` = max_count).
long CountIntervals(double duration_s, double step_s, long max_count, std::string_view step_key,
                    std::string_view limit_name = "integrator.max_steps");

/// The most output samples of an adaptive pass (each a state in memory).
inline constexpr long kMaxOutputSamples = 100'000'000;

}  // namespace echolab
