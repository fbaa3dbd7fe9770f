#pragma once

#include "learning/gradient_method.h"

namespace echolab {

/// The word a validation paragraph ends its verdict with.
const char* Verdict(bool passed);

/// Runs a gradient method; a failed run throws SolverError with its message
/// (a validation study cannot go on without its figures).
GradientResult ComputeOrThrow(const GradientMethod& method, const GradientProblem& problem);

}  // namespace echolab
