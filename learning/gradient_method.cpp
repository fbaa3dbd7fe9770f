#include "learning/gradient_method.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <string>

#include "physics/error.h"

namespace echolab {
namespace {

// Resets the kernel's record of this process's peak resident memory, so that
// the next reading covers only what follows (Linux: /proc/self/clear_refs).
void ResetPeakMemory() { std::ofstream("/proc/self/clear_refs") << "5"; }

// Peak resident memory (VmHWM) of this process in bytes; 0 if unknown.
long PeakMemoryBytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  }
  return 0;
}

}  // namespace

void GradientProblem::Validate() const {
  if (!loss) throw InputError("gradient problem: no loss was given");
  integrator.Validate();
  forward.Validate();
  if (forward.drive) {
    throw InputError(
        "gradient problem: the forward pass has an external drive; the gradient methods do not "
        "differentiate through one (the echo adds its own nudge)");
  }
}

GradientResult GradientMethod::Compute(const GradientProblem& problem) const {
  problem.Validate();
  ResetPeakMemory();
  const auto start = std::chrono::steady_clock::now();
  GradientResult result = DoCompute(problem);
  result.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.peak_memory_bytes = PeakMemoryBytes();
  result.method = name();
  return result;
}

}  // namespace echolab
