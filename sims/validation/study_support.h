#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "learning/gradient_method.h"

namespace echolab {

/// The word a validation paragraph ends its verdict with.
const char* Verdict(bool passed);

/// Runs a gradient method; a failed run throws SolverError with its message
/// (a validation study cannot go on without its figures).
GradientResult ComputeOrThrow(const GradientMethod& method, const GradientProblem& problem);

/// Writes PATH (CSV): per parameter its name, its value θ (SI units) and dL/dθ
/// (per SI unit) of the echo, the adjoint and finite differences. The plot
/// shows the scale-free θ dL/dθ = dL/d ln θ, which compares parameters of
/// different units.
void WriteParameterGradients(const std::filesystem::path& path,
                             const std::vector<std::string>& names, const Vector& theta,
                             const GradientResult& echo, const GradientResult& adjoint,
                             const GradientResult& fd);

}  // namespace echolab
