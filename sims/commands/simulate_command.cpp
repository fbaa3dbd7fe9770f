#include "sims/commands/simulate_command.h"

#include <fmt/format.h>

#include <filesystem>

#include "common/error.h"
#include "physics/input_file.h"
#include "physics/integrator.h"
#include "sims/commands/circuit_simulate.h"
#include "sims/commands/progress_reporter.h"
#include "sims/commands/simulation_run.h"
#include "sims/config/netlist_path.h"
#include "sims/config/simulation_config.h"
#include "sims/output/output_destination.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"
#include "sims/output/trajectory_files.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// A TOML configuration's pass; its results are trajectory.csv, energy.csv
// (with the energy's change printed) and simulation.png.
SimulationRun PrepareConfiguredSimulation(const SimulateArguments& arguments) {
  if (arguments.temperature_K != 0.0 || arguments.seed || arguments.node_capacitance_F != 0.0) {
    throw InputError(
        "--temperature, --seed and --node-capacitance apply to netlists; a TOML "
        "configuration sets noise in its [noise] table");
  }
  auto config = std::make_shared<const SimulationConfig>(
      LoadSimulationConfig(arguments.config_path));
  SimulationRun run{.title = config->substrate.description,
                    .substrate = config,
                    .problem = config->problem,
                    .integrator = config->integrator,
                    .plot = {"plot_simulation.py",
                             {config->substrate.description},
                             arguments.figure_format}};
  run.write_results = [config, source = arguments.config_path](const Trajectory& trajectory,
                                                               const fs::path& folder,
                                                               nlohmann::json* meta) {
    WriteTrajectoryCsv(trajectory, folder / "trajectory.csv");
    const EnergySummary energy = WriteEnergyCsv(trajectory, config->problem, folder / "energy.csv");
    (*meta)["config_file"] = RecordedSourceName(source);
    (*meta)["model"] = config->substrate.description;
    (*meta)["parameter_names"] = config->substrate.system->parameter_names();
    (*meta)["energy"] = {{"initial_J", energy.initial_J},
                         {"final_J", energy.final_J},
                         {"max_relative_deviation", energy.max_relative_deviation}};
    const SimulationProblem& problem = config->problem;
    const bool isolated = problem.input.num_channels() == 0 && problem.dissipation.is_zero() &&
                          problem.noise.is_zero();
    return fmt::format("energy: {:.10g} J -> {:.10g} J, max relative change {:.3g}{}\n",
                       energy.initial_J, energy.final_J, energy.max_relative_deviation,
                       isolated ? " (isolated substrate: this is the integration error)"
                                : " (inputs, damping and noise exchange energy)");
  };
  return run;
}

}  // namespace

int RunSimulate(const SimulateArguments& arguments) {
  const SimulationRun run = IsNetlistPath(arguments.config_path)
                                ? PrepareNetlistSimulation(arguments)
                                : PrepareConfiguredSimulation(arguments);
  const fs::path destination = arguments.output_dir.empty()
                                   ? DefaultOutputFolder("simulate", arguments.config_path)
                                   : fs::path(arguments.output_dir);
  // Checks the scheme name and options before anything runs or is written.
  const std::unique_ptr<Integrator> integrator = MakeIntegrator(run.integrator.scheme);
  StagedDirectory output(destination, arguments.force);
  ProgressReporter progress("simulate", run.problem.duration_s, !arguments.quiet);
  const Trajectory trajectory = integrator->Integrate(
      run.problem, run.integrator,
      [&](double t_s, const PhaseState&) { progress.Update(t_s - run.problem.start_time_s); });
  progress.Finish();
  if (!trajectory.ok()) {
    fmt::print(stderr, "echolab simulate: {}: the integration failed: {}\nNo output written.\n",
               arguments.config_path, trajectory.BriefReport());
    return 1;
  }

  nlohmann::json meta = RunHeader("simulate");
  const std::string summary = run.write_results(trajectory, output.path(), &meta);
  meta["problem"] = ToJson(run.problem);
  meta["trajectory"] = ToJson(trajectory);
  meta["plot"] = ToJson(run.plot);
  WriteJson(meta, output.path() / "meta.json");
  const std::optional<std::string> plot_failure =
      arguments.plot ? TryDrawPlots(run.plot, output.path()) : std::nullopt;
  output.Commit();
  if (!arguments.quiet) {
    fmt::print("{}\n{}\n{}wrote {}\n", run.title, trajectory.BriefReport(), summary,
               output.destination().string());
  }
  return plot_failure ? ReportPlotFailure(*plot_failure, output.destination()) : 0;
}

}  // namespace echolab
