#include "sims/commands/circuit_gradcheck.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "circuits/netlist_writer.h"
#include "common/error.h"
#include "common/output_file.h"
#include "learning/gradient_method_registry.h"
#include "physics/input_file.h"
#include "physics/lower_case.h"
#include "sims/commands/gradcheck_report.h"
#include "sims/output/run_metadata.h"

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

GradcheckSetup PrepareNetlistGradcheck(NetlistGradcheckOptions options, bool quiet) {
  CheckMethods(options.methods);
  if (!(options.time_budget_s >= 0.0) || !std::isfinite(options.time_budget_s)) {
    throw InputError(fmt::format("--time-budget: expected a time >= 0 in s (0: none), got {}",
                                 options.time_budget_s));
  }
  if (options.beta < 0.0) {
    throw InputError(fmt::format("--beta: expected a positive number (F), got {}", options.beta));
  }
  auto built = std::make_shared<const CircuitProblem>(BuildCircuitProblem(options.problem));
  if (!quiet) {
    for (const std::string& warning : built->netlist.warnings) {
      fmt::print(stderr, "gradcheck: warning: {}\n", warning);
    }
  }
  GradcheckSetup setup{.title = built->title,
                       .owner = built,
                       .problem = built->problem,
                       .methods = options.methods,
                       .entries = built->trained,
                       .time_budget_s = options.time_budget_s};
  setup.problem.measure_device_energy = true;
  setup.settings.echo.beta = options.beta > 0.0 ? options.beta : DefaultCircuitBeta(*built);
  const bool has_adjoint = std::find(options.methods.begin(), options.methods.end(),
                                     "adjoint") != options.methods.end();
  setup.run = {.parameter_names = built->trained_names,
               .num_dof = built->circuit->num_dof(),
               .reference = has_adjoint ? "adjoint" : options.methods.front(),
               .parameter_scales = Entries(setup.problem.scales.parameters, built->trained),
               .state_scales = setup.problem.scales.state,
               .echo_bias_warning =
                   EchoBiasWarning(setup.problem, setup.settings.echo, options.methods)};
  const CircuitProblemSpec& spec = options.problem;
  setup.run_fields = {
      {"netlist", RecordedSourceName(spec.netlist_path)},
      {"output_node", Lower(spec.output_node)},
      {"duration_s", spec.duration_s},
      {"beta", setup.settings.echo.beta},
      {"integrator", ToJson(setup.problem.integrator)},
      {"target_interpolation",
       spec.target_interpolation == Interpolation::kCubic ? "cubic" : "linear"},
      {"adjoint_tolerances", ToleranceJson(setup.problem)}};
  setup.write_files = [built](const fs::path& folder) {
    WriteFileAtomically(folder / "circuit.cir", WriteNetlist(built->netlist));
  };
  return setup;
}

}  // namespace echolab
