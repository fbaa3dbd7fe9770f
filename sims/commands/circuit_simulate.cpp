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
#include "sims/output/run_metadata.h"

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

// The noise of the resistors at --temperature (which needs --seed), run by
// baoab; none at 0 K.
void AddThermalNoise(const SimulateArguments& arguments, SimulationProblem* problem,
                     IntegratorOptions* options) {
  if (arguments.temperature_K == 0.0) return;
  if (!(arguments.temperature_K > 0.0)) {
    throw InputError(fmt::format("--temperature: expected a temperature > 0 K, got {}",
                                 arguments.temperature_K));
  }
  if (!arguments.seed) throw InputError("--seed: noise needs an explicit seed");
  problem->noise = {.thermal_energy_J = kBoltzmann_J_per_K * arguments.temperature_K,
                    .seed = *arguments.seed};
  options->scheme = "baoab";
}

// The recorded pass: a state of 2 n values and its time at every step.
void CheckRecordedPassMemory(const std::string& path, const TranCard& tran,
                             const IntegratorOptions& options, int num_nodes) {
  const double samples = std::floor(tran.stop_s / options.step_s) + 1.0;
  const double values = 2.0 * num_nodes + 1.0;
  MemoryBudget::Check(8.0 * samples * values, path,
                      fmt::format("the recorded pass of a circuit of {} nodes ({:.3g} steps of "
                                  "{:.3g} s; make .tran shorter or its step longer)",
                                  num_nodes, samples, options.step_s));
}

}  // namespace

SimulationRun PrepareNetlistSimulation(const SimulateArguments& arguments) {
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
  auto circuit = std::make_shared<const CircuitHamiltonian>(
      netlist, CircuitOptions{.node_capacitance_F = arguments.node_capacitance_F});
  SimulationRun run{.title = netlist.title,
                    .substrate = circuit,
                    .problem = {.system = circuit.get(),
                                .theta = circuit->netlist_parameters(),
                                .input = circuit->Inputs(),
                                .initial_state = circuit->InitialState(netlist),
                                .duration_s = tran.stop_s,
                                .dissipation = circuit->ResistiveDissipation()},
                    .plot = {"plot_voltages.py", {netlist.title}, arguments.figure_format}};
  run.integrator.scheme = "yoshida4";
  AddThermalNoise(arguments, &run.problem, &run.integrator);
  run.integrator.step_s = std::min(tran.step_s, tran.max_step_s.value_or(tran.step_s));
  ResolveFastestMode(run.problem, &run.integrator);
  CheckRecordedPassMemory(arguments.config_path, tran, run.integrator, circuit->num_dof());
  if (!tran.use_initial_conditions && !arguments.quiet) {
    fmt::print(stderr,
               "echolab simulate: {}: .tran has no uic; echolab starts from the elements' ic= "
               "values (0 where absent) rather than a DC operating point\n",
               arguments.config_path);
  }
  run.write_results = [circuit, problem = run.problem, from_s = tran.start_s,
                       title = netlist.title, source = arguments.config_path](
                          const Trajectory& trajectory, const fs::path& folder,
                          nlohmann::json* meta) {
    WriteVoltagesCsv(*circuit, problem, trajectory, from_s, folder / "voltages.csv");
    (*meta)["netlist"] = RecordedSourceName(source);
    (*meta)["title"] = title;
    (*meta)["nodes"] = circuit->node_names();
    return std::string();
  };
  return run;
}

}  // namespace echolab
