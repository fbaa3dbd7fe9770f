#include "physics/simulation_problem.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {

void SimulationProblem::Validate() const {
  if (system == nullptr) throw InputError("simulation: no substrate was given");
  system->ValidateParameters(theta);
  system->CheckState(initial_state, "initial state");
  if (!IsFinite(initial_state)) throw InputError("initial state: expected finite q and p");
  if (input.num_channels() != system->num_inputs()) {
    throw InputError(fmt::format("input: {} channels given, the substrate has {} inputs",
                                 input.num_channels(), system->num_inputs()));
  }
  if (!(duration_s > 0.0) || !std::isfinite(duration_s)) {
    throw InputError(fmt::format("duration_s must be positive and finite, got {}", duration_s));
  }
  if (!std::isfinite(start_time_s)) throw InputError("start_time_s must be finite");
  const Vector& friction = dissipation.friction_N_s_per_m;
  if (friction.size() != 0 && friction.size() != system->num_dof()) {
    throw InputError(fmt::format(
        "dissipation.friction_N_s_per_m has {} entries, expected 0 or {} (one per degree of "
        "freedom)",
        friction.size(), system->num_dof()));
  }
  const Eigen::SparseMatrix<double>& matrix = dissipation.friction_matrix;
  if (matrix.size() != 0) {
    if (matrix.rows() != system->num_dof() || matrix.cols() != system->num_dof()) {
      throw InputError(fmt::format("dissipation.friction_matrix is {}x{}, expected {}x{}",
                                   matrix.rows(), matrix.cols(), system->num_dof(),
                                   system->num_dof()));
    }
    const Eigen::SparseMatrix<double> transpose = matrix.transpose();
    if (!matrix.coeffs().allFinite() || !matrix.isApprox(transpose)) {
      throw InputError("dissipation.friction_matrix must be finite and symmetric");
    }
  }
  if (!friction.allFinite() || !std::isfinite(dissipation.momentum_decay_rate_per_s)) {
    throw InputError("dissipation: expected finite friction and decay rate");
  }
  if (!(noise.thermal_energy_J >= 0.0) || !std::isfinite(noise.thermal_energy_J)) {
    throw InputError(
        fmt::format("noise.thermal_energy_J must be >= 0, got {}", noise.thermal_energy_J));
  }
}

}  // namespace echolab
