#include "physics/integrator_options.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {

void IntegratorOptions::Validate() const {
  if (!(step_s >= 0.0) || !std::isfinite(step_s)) {
    throw InputError(
        fmt::format("integrator.step_s must be >= 0 s (0: the solver chooses), got {}", step_s));
  }
  if (!(rtol > 0.0) || !std::isfinite(rtol)) {
    throw InputError(fmt::format("integrator.rtol must be > 0, got {}", rtol));
  }
  if (!(atol > 0.0) || !std::isfinite(atol)) {
    throw InputError(fmt::format("integrator.atol must be > 0, got {}", atol));
  }
  if (max_steps <= 0) {
    throw InputError(fmt::format("integrator.max_steps must be > 0, got {}", max_steps));
  }
  if (!(max_energy_growth > 1.0)) {
    throw InputError(
        fmt::format("integrator.max_energy_growth must be > 1 (inf turns the guard off), got {}",
                    max_energy_growth));
  }
  if (!(adjoint_memory_MiB > 0.0) || !std::isfinite(adjoint_memory_MiB)) {
    throw InputError(
        fmt::format("integrator.adjoint_memory_MiB must be > 0 MiB, got {}", adjoint_memory_MiB));
  }
  if (!(output_interval_s >= 0.0) || !std::isfinite(output_interval_s)) {
    throw InputError(
        fmt::format("integrator.output_interval_s must be >= 0, got {}", output_interval_s));
  }
}

}  // namespace echolab
