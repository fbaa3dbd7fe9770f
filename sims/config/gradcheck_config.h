#pragma once

#include <memory>
#include <string>
#include <vector>

#include "learning/gradient_method.h"
#include "learning/gradient_method_registry.h"
#include "sims/config/simulation_config.h"

namespace echolab {

/// `echolab gradcheck`: a simulation configuration plus
///   [loss]       what to differentiate (sims/config/loss_config.h)
///   [gradcheck]  methods = [...] (default: every method that runs with the
///                scheme and echo_damping; echo_one_sided does not with
///                "gain_reweighted"), echo_damping = "naive", "gain" or
///                "gain_reweighted",
///                reference = "adjoint", beta = 1e-3, nudge = "linearized" or
///                "physical", fd_relative_step = 1e-5, flip_time_s = 0 and
///                reset_time_s = 0 (the device's, for the physical time of
///                each method's passes, HardwareTiming).
struct GradcheckConfig {
  SimulationConfig simulation;
  std::shared_ptr<const Loss> loss;
  std::vector<std::string> methods;
  std::string reference = "adjoint";
  GradientMethodSettings settings;
  HardwareTiming timing;

  /// The problem with the device's energy measured (measure_device_energy).
  GradientProblem Problem() const;
};

GradcheckConfig LoadGradcheckConfig(const std::string& path);
GradcheckConfig ParseGradcheckConfig(const ConfigTable& root);

}  // namespace echolab
