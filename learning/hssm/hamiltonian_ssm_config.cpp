#include "learning/hssm/hamiltonian_ssm_config.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {
namespace {

void RequireAtLeast(const char* field, long long value, long long minimum) {
  if (value < minimum) {
    throw InputError(fmt::format("hssm.{}: must be >= {}, got {}", field, minimum, value));
  }
}

}  // namespace

void HamiltonianSsmConfig::Validate() const {
  RequireAtLeast("input_channels", input_channels, 1);
  if (task == SequenceTaskKind::kClassification) {
    RequireAtLeast("classes", classes, 2);
  } else {
    RequireAtLeast("output_channels", output_channels, 1);
  }
  RequireAtLeast("layers", layers, 1);
  RequireAtLeast("hidden", hidden, 1);
  RequireAtLeast("state", state, 1);
  RequireAtLeast("output_step", output_step, 1);
  RequireAtLeast("threads", threads, 0);
  if (!(dropout >= 0.0 && dropout < 1.0)) {
    throw InputError(fmt::format("hssm.dropout: must be in [0, 1), got {}", dropout));
  }
  if (!(batch_norm_momentum >= 0.0 && batch_norm_momentum < 1.0)) {
    throw InputError(fmt::format("hssm.batch_norm_momentum: must be in [0, 1), got {}",
                                 batch_norm_momentum));
  }
  // Leapfrog is stable for δ² · curvature < 4; the log-cosh curvature α + c' W sech² stays
  // below 2 at initialisation, hence the bound √2.
  if (!std::isfinite(step) || step <= 0.0 || step > std::sqrt(2.0)) {
    throw InputError(fmt::format("hssm.step: must be in (0, sqrt(2)], got {}", step));
  }
}

HruKind ParseHruKind(const std::string& name) {
  if (name == "linear") return HruKind::kLinear;
  if (name == "logcosh") return HruKind::kLogCosh;
  throw InputError(fmt::format("hssm.unit: expected linear or logcosh, got '{}'", name));
}

}  // namespace echolab
