#include "sims/commands/gradcheck_command.h"

#include <fmt/format.h>

#include <filesystem>

#include "learning/gradient_method_registry.h"
#include "learning/measured_gradient.h"
#include "physics/input_file.h"
#include "sims/commands/gradcheck_report.h"
#include "sims/commands/hssm_gradcheck.h"
#include "sims/config/gradcheck_config.h"
#include "sims/output/output_destination.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"

namespace echolab {

namespace fs = std::filesystem;

int RunGradcheck(const GradcheckArguments& arguments) {
  const ConfigTable root = ConfigTable::ParseFile(arguments.config_path);
  if (IsHssmGradcheckConfig(root)) {
    return RunHssmGradcheck(arguments, ParseHssmGradcheckConfig(root));
  }
  const GradcheckConfig config = LoadGradcheckConfig(arguments.config_path);
  const GradientProblem problem = config.Problem();
  const fs::path destination = arguments.output_dir.empty()
                                   ? DefaultOutputFolder("gradcheck", arguments.config_path)
                                   : fs::path(arguments.output_dir);
  StagedDirectory output(destination, arguments.force);

  GradcheckRun run{
      .parameter_names = config.simulation.substrate.system->parameter_names(),
      .num_dof = config.simulation.substrate.system->num_dof(),
      .reference = config.reference,
      .parameter_scales = ParameterScales(problem.forward.theta),
      .echo_bias_warning = EchoBiasWarning(problem, config.settings.echo, config.methods),
      .timing = config.timing};
  if (!run.echo_bias_warning.empty() && !arguments.quiet) {
    fmt::print(stderr, "gradcheck: warning: {}\n", run.echo_bias_warning);
  }
  bool all_ok = true;
  for (size_t k = 0; k < config.methods.size(); ++k) {
    const std::string& method = config.methods[k];
    if (!arguments.quiet) {
      fmt::print(stderr, "gradcheck: {} ({}/{})\n", method, k + 1, config.methods.size());
    }
    run.results.push_back(ComputeMeasured(*MakeGradientMethod(method, config.settings), problem));
    if (!run.results.back().ok()) {
      fmt::print(stderr, "gradcheck: {} failed: {}\n", method, run.results.back().message);
      all_ok = false;
    }
  }

  nlohmann::json report = GradcheckJson(run);
  report["run"] = RunHeader("gradcheck");
  report["run"]["config_file"] = RecordedSourceName(arguments.config_path);
  report["run"]["model"] = config.simulation.substrate.description;
  report["run"]["integrator"] = ToJson(config.simulation.integrator);
  report["run"]["beta"] = config.settings.echo.beta;
  if (!all_ok) return 1;

  WriteJson(report, output.path() / "gradcheck.json");
  output.Commit();
  if (arguments.json) {
    fmt::print("{}\n", report.dump(2));
  } else if (!arguments.quiet) {
    fmt::print("{}\n{}wrote {}\n", config.simulation.substrate.description, GradcheckTable(run),
               (output.destination() / "gradcheck.json").string());
  }
  return 0;
}

}  // namespace echolab
