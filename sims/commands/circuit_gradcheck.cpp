#include "sims/commands/circuit_gradcheck.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "learning/gradient_method_registry.h"
#include "physics/error.h"
#include "physics/lower_case.h"
#include "sims/commands/gradcheck_report.h"
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

}  // namespace

bool IsNetlistPath(const std::string& path) {
  const std::string extension = Lower(fs::path(path).extension().string());
  return extension == ".cir" || extension == ".net" || extension == ".sp" || extension == ".spice";
}

int RunCircuitGradcheck(const CircuitGradcheckArguments& arguments) {
  CheckMethods(arguments.methods);
  const CircuitProblem built = BuildCircuitProblem(arguments.problem);
  GradientProblem problem = built.problem;
  problem.measure_device_energy = true;

  if (arguments.beta < 0.0) {
    throw InputError(fmt::format("--beta: expected a positive number (F), got {}", arguments.beta));
  }
  const fs::path destination =
      arguments.output_dir.empty()
          ? fs::path("out") / "gradcheck" / fs::path(arguments.problem.netlist_path).stem()
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
  for (const std::string& method : arguments.methods) {
    if (!arguments.quiet) fmt::print(stderr, "gradcheck: {}\n", method);
    run.results.push_back(
        RestrictedToEntries(MakeGradientMethod(method, settings)->Compute(problem), built.trained));
    if (!run.results.back().ok()) {
      fmt::print(stderr, "gradcheck: {} failed: {}\n", method, run.results.back().message);
      all_ok = false;
    }
  }
  if (!all_ok) return 1;

  nlohmann::json report = GradcheckJson(run);
  report["run"] = RunHeader("gradcheck");
  report["run"]["netlist"] = fs::absolute(arguments.problem.netlist_path).string();
  report["run"]["output_node"] = Lower(arguments.problem.output_node);
  report["run"]["duration_s"] = arguments.problem.duration_s;
  report["run"]["beta"] = settings.echo.beta;
  report["run"]["integrator"] = ToJson(problem.integrator);
  report["run"]["target_interpolation"] =
      arguments.problem.target_interpolation == Interpolation::kCubic ? "cubic" : "linear";
  report["run"]["adjoint_tolerances"] = ToleranceJson(problem);
  WriteJson(report, output.path() / "gradcheck.json");
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
