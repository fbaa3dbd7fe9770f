#include "sims/commands/circuit_gradcheck.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "learning/gradient_method_registry.h"
#include "physics/error.h"
#include "physics/lower_case.h"
#include "sims/commands/gradcheck_report.h"
#include "sims/config/input_config.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// Indices in θ of the trained elements, in the order given.
std::vector<int> TrainedIndices(const CircuitHamiltonian& circuit,
                                const std::vector<std::string>& train) {
  const auto& names = circuit.parameter_names();
  std::vector<int> indices;
  for (const std::string& element : train) {
    const auto it = std::find(names.begin(), names.end(), Lower(element));
    if (it == names.end()) {
      throw InputError(fmt::format(
          "--train: '{}' is not a trainable element of the netlist; expected some of {}", element,
          fmt::join(names, ", ")));
    }
    indices.push_back(static_cast<int>(it - names.begin()));
  }
  if (indices.empty()) throw InputError("--train: expected at least one element name");
  return indices;
}

std::shared_ptr<const Loss> NodeVoltageLoss(std::shared_ptr<const CircuitHamiltonian> circuit,
                                            const std::string& node,
                                            const std::string& target_csv) {
  const int index = circuit->NodeIndex(Lower(node));
  if (index < 0) throw InputError("--output: the ground node has no voltage to fit");
  std::vector<double> times_s, values;
  ReadSamplesCsv(target_csv, &times_s, &values);
  InputSignal target({{std::make_shared<SampledWaveform>(std::move(times_s), std::move(values),
                                                         Interpolation::kLinear),
                       Parity::kEven}});
  return std::make_shared<TrackingLoss>(
      std::make_shared<VelocityReadout>(std::move(circuit), std::vector<int>{index}), target,
      Vector::Ones(1), Vector::Zero(1), Vector::Zero(1));
}

// The result with dL/dθ restricted to the trained entries.
GradientResult Restricted(GradientResult result, const std::vector<int>& indices) {
  Vector trained(static_cast<Eigen::Index>(indices.size()));
  for (size_t k = 0; k < indices.size(); ++k) {
    trained[static_cast<Eigen::Index>(k)] =
        result.dL_dtheta.size() ? result.dL_dtheta[indices[k]] : 0.0;
  }
  result.dL_dtheta = trained;
  return result;
}

void CheckArguments(const CircuitGradcheckArguments& arguments) {
  if (arguments.output_node.empty()) throw InputError("--output: a node name is required");
  if (arguments.target_csv.empty()) throw InputError("--target: a CSV file (t,y) is required");
  if (!(arguments.duration_s > 0.0)) {
    throw InputError(
        fmt::format("--duration: expected a positive time in s, got {}", arguments.duration_s));
  }
  const auto names = GradientMethodNames();
  for (const std::string& method : arguments.methods) {
    if (std::find(names.begin(), names.end(), method) == names.end()) {
      throw InputError(fmt::format("--methods: unknown method '{}', expected some of {}", method,
                                   fmt::join(names, ", ")));
    }
  }
}

}  // namespace

bool IsNetlistPath(const std::string& path) {
  const std::string extension = Lower(fs::path(path).extension().string());
  return extension == ".cir" || extension == ".net" || extension == ".sp" || extension == ".spice";
}

int RunCircuitGradcheck(const CircuitGradcheckArguments& arguments) {
  CheckArguments(arguments);
  const Netlist netlist = ParseNetlistFile(arguments.netlist_path);
  auto circuit = std::make_shared<const CircuitHamiltonian>(netlist);
  const std::vector<int> trained = TrainedIndices(*circuit, arguments.train);

  GradientProblem problem;
  problem.forward.system = circuit.get();
  problem.forward.theta = circuit->netlist_parameters();
  problem.forward.input = circuit->Inputs();
  problem.forward.initial_state = {Vector::Zero(circuit->num_dof()),
                                   Vector::Zero(circuit->num_dof())};
  problem.forward.duration_s = arguments.duration_s;
  problem.forward.dissipation = circuit->ResistiveDissipation();
  problem.loss = NodeVoltageLoss(circuit, arguments.output_node, arguments.target_csv);
  problem.integrator.scheme = "yoshida4";
  problem.integrator.step_s =
      arguments.step_s > 0.0 ? arguments.step_s : arguments.duration_s / 10000.0;
  // Circuit states are small in SI units (fluxes and charges ~1e-9): the
  // absolute tolerance must not swamp them.
  problem.integrator.rtol = 1e-10;
  problem.integrator.atol = 1e-24;

  GradientMethodSettings settings;
  settings.echo.beta = arguments.beta;
  GradcheckRun run{.reference = arguments.methods.front()};
  for (int index : trained) run.parameter_names.push_back(circuit->parameter_names()[index]);
  run.num_dof = circuit->num_dof();
  if (std::find(arguments.methods.begin(), arguments.methods.end(), "adjoint") !=
      arguments.methods.end()) {
    run.reference = "adjoint";
  }
  bool all_ok = true;
  for (const std::string& method : arguments.methods) {
    if (!arguments.quiet) fmt::print(stderr, "gradcheck: {}\n", method);
    run.results.push_back(
        Restricted(MakeGradientMethod(method, settings)->Compute(problem), trained));
    if (!run.results.back().ok()) {
      fmt::print(stderr, "gradcheck: {} failed: {}\n", method, run.results.back().message);
      all_ok = false;
    }
  }
  if (!all_ok) return 1;

  nlohmann::json report = GradcheckJson(run);
  report["run"] = RunHeader("gradcheck");
  report["run"]["netlist"] = fs::absolute(arguments.netlist_path).string();
  report["run"]["output_node"] = Lower(arguments.output_node);
  report["run"]["duration_s"] = arguments.duration_s;
  report["run"]["beta"] = arguments.beta;
  report["run"]["integrator"] = ToJson(problem.integrator);
  const fs::path destination =
      arguments.output_dir.empty()
          ? fs::path("out") / "gradcheck" / fs::path(arguments.netlist_path).stem()
          : fs::path(arguments.output_dir);
  StagedDirectory output(destination);
  WriteJson(report, output.path() / "gradcheck.json");
  output.Commit();
  if (arguments.json) {
    fmt::print("{}\n", report.dump(2));
  } else if (!arguments.quiet) {
    fmt::print("{}\n{}wrote {}\n", netlist.title, GradcheckTable(run),
               (destination / "gradcheck.json").string());
  }
  return 0;
}

}  // namespace echolab
