#include "sims/validation/study_support.h"

#include <fmt/format.h>

#include "learning/measured_gradient.h"
#include "physics/error.h"

namespace echolab {

const char* Verdict(bool passed) { return passed ? "Passed" : "FAILED"; }

GradientResult ComputeOrThrow(const GradientMethod& method, const GradientProblem& problem) {
  GradientResult result = ComputeMeasured(method, problem);
  if (!result.ok()) {
    throw SolverError(fmt::format("validation: {} failed: {}", result.method, result.message));
  }
  return result;
}

}  // namespace echolab
