#include "sims/commands/circuit_gradcheck.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "circuits/netlist_writer.h"
#include "common/error.h"
#include "common/output_file.h"
#include "learning/gradient_method_registry.h"
#include "learning/measured_gradient.h"
#include "physics/input_file.h"
#include "physics/lower_case.h"
#include "sims/commands/gradcheck_report.h"
#include "sims/output/output_destination.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

void CheckMethods(const std::vector<std::string>& methods) {
  const auto names = GradientMethodNames();
  for (const std::string& method : methods) {
    if (std::find(names.begin(), names.end(), method) == names.end()) {
      throw InputError(fmt::format("--methods: unknown method '{}', expected some of {}", method,
                                   fmt::join(names, ", ")));
    }
  }
}

std::vector<double> ToStdVector(const Vector& v) { return {v.data(), v.data() + v.size()}; }

// What the adjoint was asked for and what it used: rtol, atol relative to
// the scales, the scales, and the absolute tolerances of its four solves.
nlohmann::json ToleranceJson(const GradientProblem& problem) {
  const AbsoluteTolerances absolute = AbsoluteTolerancesOf(problem);
  return {{"rtol", problem.integrator.rtol},
          {"atol_relative_to_scale", problem.integrator.atol},
          {"scales",
           {{"state_q", ToStdVector(problem.scales.state.q)},
            {"state_p", ToStdVector(problem.scales.state.p)},
            {"loss", problem.scales.loss},
            {"parameters", ToStdVector(problem.scales.parameters)}}},
          {"absolute",
           {{"state", ToStdVector(absolute.state)},
            {"running_loss", absolute.running_loss[0]},
            {"adjoint", ToStdVector(absolute.adjoint)},
            {"parameter_gradient", ToStdVector(absolute.parameter_gradient)}}}};
}

// A netlist has dot cards (.tran, .end, ...): lines that start with '.',
// which a TOML file never has.
bool LooksLikeNetlist(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '.') return true;
  }
  return false;
}

}  // namespace

bool IsNetlistPath(const std::string& path) {
  if (path == kStandardInputPath) {
    return LooksLikeNetlist(ReadInputFile(path, "configuration or netlist"));
  }
  const std::string extension = Lower(fs::path(path).extension().string());
  return extension == ".cir" || extension == ".net" || extension == ".sp" || extension == ".spice";
}

int RunCircuitGradcheck(const CircuitGradcheckArguments& arguments) {
  const auto started = std::chrono::steady_clock::now();
  CheckMethods(arguments.methods);
  const CircuitProblem built = BuildCircuitProblem(arguments.problem);
  GradientProblem problem = built.problem;
  problem.measure_device_energy = true;
  if (!arguments.quiet) {
    for (const std::string& warning : built.netlist.warnings) {
      fmt::print(stderr, "gradcheck: warning: {}\n", warning);
    }
  }

  if (!(arguments.time_budget_s >= 0.0) || !std::isfinite(arguments.time_budget_s)) {
    throw InputError(fmt::format("--time-budget: expected a time >= 0 in s (0: none), got {}",
                                 arguments.time_budget_s));
  }
  if (arguments.beta < 0.0) {
    throw InputError(fmt::format("--beta: expected a positive number (F), got {}", arguments.beta));
  }
  const fs::path destination =
      arguments.output_dir.empty()
          ? DefaultOutputFolder("gradcheck", arguments.problem.netlist_path)
          : fs::path(arguments.output_dir);
  StagedDirectory output(destination, arguments.force);
  GradientMethodSettings settings;
  settings.echo.beta = arguments.beta > 0.0 ? arguments.beta : DefaultCircuitBeta(built);
  GradcheckRun run{.reference = arguments.methods.front()};
  run.parameter_names = built.trained_names;
  run.num_dof = built.circuit->num_dof();
  run.parameter_scales = Entries(problem.scales.parameters, built.trained);
  run.state_scales = problem.scales.state;
  run.echo_bias_warning = EchoBiasWarning(problem, settings.echo, arguments.methods);
  if (!run.echo_bias_warning.empty() && !arguments.quiet) {
    fmt::print(stderr, "gradcheck: warning: {}\n", run.echo_bias_warning);
  }
  if (std::find(arguments.methods.begin(), arguments.methods.end(), "adjoint") !=
      arguments.methods.end()) {
    run.reference = "adjoint";
  }
  bool all_ok = true;
  for (size_t m = 0; m < arguments.methods.size(); ++m) {
    const std::string& method = arguments.methods[m];
    const double spent_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (m > 0 && arguments.time_budget_s > 0.0 && spent_s > arguments.time_budget_s) {
      fmt::print(stderr,
                 "gradcheck: --time-budget: {:.3g} s spent after {} (budget {:.3g} s); skipped "
                 "{}\nNo output written.\n",
                 spent_s, arguments.methods[m - 1], arguments.time_budget_s,
                 fmt::join(arguments.methods.begin() + static_cast<std::ptrdiff_t>(m),
                           arguments.methods.end(), ", "));
      return 1;
    }
    if (!arguments.quiet) fmt::print(stderr, "gradcheck: {}\n", method);
    run.results.push_back(RestrictedToEntries(
        ComputeMeasured(*MakeGradientMethod(method, settings), problem), built.trained));
    if (!run.results.back().ok()) {
      fmt::print(stderr, "gradcheck: {} failed: {}\n", method, run.results.back().message);
      all_ok = false;
    }
  }
  if (!all_ok) return 1;

  nlohmann::json report = GradcheckJson(run);
  report["run"] = RunHeader("gradcheck");
  report["run"]["netlist"] = RecordedSourceName(arguments.problem.netlist_path);
  report["run"]["output_node"] = Lower(arguments.problem.output_node);
  report["run"]["duration_s"] = arguments.problem.duration_s;
  report["run"]["beta"] = settings.echo.beta;
  report["run"]["integrator"] = ToJson(problem.integrator);
  report["run"]["target_interpolation"] =
      arguments.problem.target_interpolation == Interpolation::kCubic ? "cubic" : "linear";
  report["run"]["adjoint_tolerances"] = ToleranceJson(problem);
  WriteJson(report, output.path() / "gradcheck.json");
  WriteFileAtomically(output.path() / "circuit.cir", WriteNetlist(built.netlist));
  output.Commit();
  if (arguments.json) {
    fmt::print("{}\n", report.dump(2));
  } else if (!arguments.quiet) {
    fmt::print("{}\n{}wrote {}\n", built.title, GradcheckTable(run),
               (output.destination() / "gradcheck.json").string());
  }
  return 0;
}

}  // namespace echolab
