#pragma once

#include <filesystem>

#include "sims/validation/validation_check.h"
#include "sims/validation/validation_problems.h"

namespace echolab {

/// (a) The pointwise identity of the theory: λ(t) of the CVODES adjoint
/// against Sx (x_e(T - t, +β) - x_e(T - t, -β)) / (2β) from the echoes, every
/// component, on the step grid. Writes lambda_<id>.csv.
ValidationCheck PointwiseAdjointStudy(const ValidationProblem& v, const std::filesystem::path& dir);

/// (b) Gradient error against β, centred and one-sided, against the exact
/// gradient of the same discrete map; fitted log-log slopes. Writes
/// beta_<id>.csv.
ValidationCheck BetaStudy(const ValidationProblem& v, const std::filesystem::path& dir);

/// (c) Echo gradient error against the integrator and its step or tolerance,
/// against the CVODES adjoint at rtol 1e-12. Writes integrators_<id>.csv.
ValidationCheck IntegratorStudy(const ValidationProblem& v, const std::filesystem::path& dir);

/// (d) Per-parameter gradients of the echo, the adjoint and finite
/// differences. Writes parameters_<id>.csv.
ValidationCheck ParameterStudy(const ValidationProblem& v, const std::filesystem::path& dir);

}  // namespace echolab
