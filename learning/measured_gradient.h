#pragma once

#include "learning/gradient_method.h"

namespace echolab {

/// GradientMethod::Compute with its wall time and the peak resident memory of
/// the process during the call (GradientResult::wall_time_s,
/// peak_memory_bytes). The memory reading resets the kernel's process-wide
/// high-water mark (common/resident_memory.h): call it from one thread at a
/// time, as the gradcheck command and the benchmarks do, never from threads
/// computing side by side.
GradientResult ComputeMeasured(const GradientMethod& method, const GradientProblem& problem);

}  // namespace echolab
