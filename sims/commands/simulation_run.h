#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "physics/integrator_options.h"
#include "physics/simulation_problem.h"
#include "physics/trajectory.h"
#include "sims/output/plotting.h"

namespace echolab {

/// What `echolab simulate` runs, prepared from one kind of input (a TOML
/// configuration, simulate_command.h; a SPICE netlist, circuit_simulate.h):
/// the pass, and how its results are written and summed up. The command's
/// flow (output folder, progress, failure, meta.json, figures) is shared.
struct SimulationRun {
  /// The first line printed: the model's description or the netlist's title.
  std::string title;
  /// Owns problem.system.
  std::shared_ptr<const void> substrate;
  SimulationProblem problem;
  IntegratorOptions integrator;
  /// Writes the kind's result files into `folder` and its entries of
  /// meta.json; returns the lines printed after the trajectory's report.
  std::function<std::string(const Trajectory&, const std::filesystem::path& folder,
                            nlohmann::json* meta)>
      write_results;
  PlotRecipe plot;
};

}  // namespace echolab
