#pragma once

#include <string>

#include "physics/integrator_options.h"
#include "physics/simulation_problem.h"
#include "sims/config/substrate_config.h"

namespace echolab {

/// Everything `echolab simulate` needs, read from one TOML file: the
/// substrate ([model]), its input ([[input]]), the initial state
/// ([initial_state]), the pass ([simulation], [dissipation], [noise]) and the
/// integrator ([integrator]).
struct SimulationConfig {
  std::string source_file;
  Substrate substrate;
  SimulationProblem problem;  // problem.system points into substrate
  IntegratorOptions integrator;
};

/// Reads and checks a configuration file; every error is an InputError that
/// names the file, line and key.
SimulationConfig LoadSimulationConfig(const std::string& path);
/// `extra_tables`: further top-level tables that the caller reads itself.
SimulationConfig ParseSimulationConfig(const ConfigTable& root,
                                       const std::vector<std::string_view>& extra_tables = {});

}  // namespace echolab
