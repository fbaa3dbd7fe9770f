#include "learning/measured_gradient.h"

#include <chrono>

#include "common/resident_memory.h"

namespace echolab {

GradientResult ComputeMeasured(const GradientMethod& method, const GradientProblem& problem) {
  ResetPeakResidentMemory();
  const auto start = std::chrono::steady_clock::now();
  GradientResult result = method.Compute(problem);
  result.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.peak_memory_bytes = ProcessStatusBytes("VmHWM");
  return result;
}

}  // namespace echolab
