#include "sims/commands/circuit_simulate.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "circuits/node_voltmeter.h"
#include "common/error.h"
#include "common/output_file.h"
#include "physics/highest_frequency.h"
#include "physics/input_file.h"
#include "physics/integrator.h"
#include "physics/memory_budget.h"
#include "sims/commands/progress_reporter.h"
#include "sims/output/output_destination.h"
#include "sims/output/plotting.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

void WriteVoltagesCsv(const CircuitHamiltonian& circuit, const SimulationProblem& problem,
                      const Trajectory& trajectory, double from_s, const fs::path& path) {
  OutputFile out(path);
  out.Print("t_s");
  for (const std::string& node : circuit.node_names()) out.Print(",v({})", node);
  out.Print("\n");
  NodeVoltmeter voltmeter(circuit, problem);
  for (size_t k = 0; k < trajectory.states.size(); ++k) {
    if (trajectory.times_s[k] < from_s) continue;
    const Vector& voltages = voltmeter.At(trajectory.times_s[k], trajectory.states[k]);
    out.Print("{:.17g}", trajectory.times_s[k]);
    for (Eigen::Index i = 0; i < voltages.size(); ++i) out.Print(",{:.17g}", voltages[i]);
    out.Print("\n");
  }
  out.Close();
}

// A step that resolves the circuit's fastest mode and its fastest damping,
// ω_max h ≤ 1 and r h ≤ 1 with r = λ_max(G_R C⁻¹) (a parasitic node
// capacitance makes both fast; the splitting's damping sub-steps must not
// outrun the resistors' injected currents), written at the .tran step.
// Circuits beyond HighestAngularFrequency's size keep the .tran step.
void ResolveFastestMode(const SimulationProblem& problem, IntegratorOptions* options) {
  const std::optional<double> omega = HighestAngularFrequency(
      problem, problem.initial_state.q, problem.input.Value(problem.start_time_s));
  const std::optional<double> rate = FastestDampingRate(problem);
  const double fastest = std::max(omega.value_or(0.0), rate.value_or(0.0));
  if (!(fastest * options->step_s > 1.0)) return;
  options->output_interval_s = options->step_s;
  options->step_s /= std::ceil(fastest * options->step_s);
}

}  // namespace

int RunCircuitSimulate(const SimulateArguments& arguments) {
  const Netlist netlist = ParseNetlistFile(arguments.config_path);
  if (!netlist.tran) {
    throw InputError(
        fmt::format("{}: no .tran card; expected '.tran tstep tstop [tstart [tmax]] "
                    "[uic]' to say how long to simulate",
                    arguments.config_path));
  }
  const TranCard& tran = *netlist.tran;
  if (!arguments.quiet) {
    for (const std::string& warning : netlist.warnings) {
      fmt::print(stderr, "echolab simulate: warning: {}\n", warning);
    }
  }
  const CircuitHamiltonian circuit(
      netlist, CircuitOptions{.node_capacitance_F = arguments.node_capacitance_F});
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .input = circuit.Inputs(),
                            .initial_state = circuit.InitialState(netlist),
                            .duration_s = tran.stop_s,
                            .dissipation = circuit.ResistiveDissipation()};
  const fs::path destination = arguments.output_dir.empty()
                                   ? DefaultOutputFolder("simulate", arguments.config_path)
                                   : fs::path(arguments.output_dir);
  StagedDirectory output(destination, arguments.force);
  IntegratorOptions options;
  options.scheme = "yoshida4";
  if (arguments.temperature_K != 0.0) {
    if (!(arguments.temperature_K > 0.0)) {
      throw InputError(fmt::format("--temperature: expected a temperature > 0 K, got {}",
                                   arguments.temperature_K));
    }
    if (!arguments.seed) throw InputError("--seed: noise needs an explicit seed");
    problem.noise = {.thermal_energy_J = kBoltzmann_J_per_K * arguments.temperature_K,
                     .seed = *arguments.seed};
    options.scheme = "baoab";
  }
  options.step_s = std::min(tran.step_s, tran.max_step_s.value_or(tran.step_s));
  ResolveFastestMode(problem, &options);
  // The recorded pass: a state of 2 n values and its time at every step.
  const double samples = std::floor(tran.stop_s / options.step_s) + 1.0;
  const double values = 2.0 * circuit.num_dof() + 1.0;
  MemoryBudget::Check(8.0 * samples * values, arguments.config_path,
                      fmt::format("the recorded pass of a circuit of {} nodes ({:.3g} steps of "
                                  "{:.3g} s; make .tran shorter or its step longer)",
                                  circuit.num_dof(), samples, options.step_s));
  if (!tran.use_initial_conditions && !arguments.quiet) {
    fmt::print(stderr,
               "echolab simulate: {}: .tran has no uic; echolab starts from the elements' ic= "
               "values (0 where absent) rather than a DC operating point\n",
               arguments.config_path);
  }
  ProgressReporter progress("simulate", tran.stop_s, !arguments.quiet);
  const Trajectory trajectory =
      Simulate(problem, options, [&](double t_s, const PhaseState&) { progress.Update(t_s); });
  progress.Finish();
  if (!trajectory.ok()) {
    fmt::print(stderr, "echolab simulate: {}: the integration failed: {}\nNo output written.\n",
               arguments.config_path, trajectory.BriefReport());
    return 1;
  }

  WriteVoltagesCsv(circuit, problem, trajectory, tran.start_s,
                   output.path() / "voltages.csv");
  nlohmann::json meta = RunHeader("simulate");
  meta["netlist"] = RecordedSourceName(arguments.config_path);
  meta["title"] = netlist.title;
  meta["nodes"] = circuit.node_names();
  meta["problem"] = ToJson(problem);
  meta["trajectory"] = ToJson(trajectory);
  const PlotRecipe plot{"plot_voltages.py", {netlist.title}, arguments.figure_format};
  meta["plot"] = ToJson(plot);
  WriteJson(meta, output.path() / "meta.json");
  const std::optional<std::string> plot_failure =
      arguments.plot ? TryDrawPlots(plot, output.path()) : std::nullopt;
  output.Commit();
  if (!arguments.quiet) {
    fmt::print("{}\n{}\nwrote {}\n", netlist.title, trajectory.BriefReport(),
               output.destination().string());
  }
  return plot_failure ? ReportPlotFailure(*plot_failure, output.destination()) : 0;
}

}  // namespace echolab
