#include "sims/commands/simulate_command.h"

#include <fmt/format.h>

#include <filesystem>

#include "physics/integrator.h"
#include "sims/commands/progress_reporter.h"
#include "sims/config/simulation_config.h"
#include "sims/output/plotting.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"
#include "sims/output/trajectory_files.h"

namespace echolab {

namespace fs = std::filesystem;

int RunSimulate(const SimulateArguments& arguments) {
  const SimulationConfig config = LoadSimulationConfig(arguments.config_path);
  const fs::path destination =
      arguments.output_dir.empty()
          ? fs::path("out") / "simulate" / fs::path(arguments.config_path).stem()
          : fs::path(arguments.output_dir);

  // Checks the scheme name and options before anything runs or is written.
  const std::unique_ptr<Integrator> integrator = MakeIntegrator(config.integrator.scheme);
  StagedDirectory output(destination, arguments.force);
  ProgressReporter progress("simulate", config.problem.duration_s, !arguments.quiet);
  const Trajectory trajectory = integrator->Integrate(
      config.problem, config.integrator,
      [&](double t_s, const PhaseState&) { progress.Update(t_s - config.problem.start_time_s); });
  progress.Finish();
  if (!trajectory.ok()) {
    fmt::print(stderr, "echolab simulate: {}: the integration failed: {}\nNo output written.\n",
               arguments.config_path, trajectory.BriefReport());
    return 1;
  }

  WriteTrajectoryCsv(trajectory, output.path() / "trajectory.csv");
  const EnergySummary energy =
      WriteEnergyCsv(trajectory, config.problem, output.path() / "energy.csv");

  nlohmann::json meta = RunHeader("simulate");
  meta["config_file"] = fs::absolute(arguments.config_path).string();
  meta["model"] = config.substrate.description;
  meta["parameter_names"] = config.substrate.system->parameter_names();
  meta["problem"] = ToJson(config.problem);
  meta["trajectory"] = ToJson(trajectory);
  meta["energy"] = {{"initial_J", energy.initial_J},
                    {"final_J", energy.final_J},
                    {"max_relative_deviation", energy.max_relative_deviation}};
  const PlotRecipe plot{"plot_simulation.py", {config.substrate.description}};
  meta["plot"] = ToJson(plot);
  WriteJson(meta, output.path() / "meta.json");
  const std::optional<std::string> plot_failure =
      arguments.plot ? TryDrawPlots(plot, output.path()) : std::nullopt;
  output.Commit();
  if (!arguments.quiet) {
    const bool isolated = config.problem.input.num_channels() == 0 &&
                          config.problem.dissipation.is_zero() && config.problem.noise.is_zero();
    fmt::print("{}\n{}\nenergy: {:.10g} J -> {:.10g} J, max relative change {:.3g}{}\nwrote {}\n",
               config.substrate.description, trajectory.BriefReport(), energy.initial_J,
               energy.final_J, energy.max_relative_deviation,
               isolated ? " (isolated substrate: this is the integration error)"
                        : " (inputs, damping and noise exchange energy)",
               output.destination().string());
  }
  return plot_failure ? ReportPlotFailure(*plot_failure, output.destination()) : 0;
}

}  // namespace echolab
