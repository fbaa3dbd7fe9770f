#include "sims/commands/gradcheck_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <filesystem>

#include "learning/gradient_method_registry.h"
#include "learning/measured_gradient.h"
#include "physics/input_file.h"
#include "sims/commands/gradcheck_report.h"
#include "sims/commands/gradcheck_setup.h"
#include "sims/commands/hssm_gradcheck.h"
#include "sims/config/gradcheck_config.h"
#include "sims/config/netlist_path.h"
#include "sims/output/output_destination.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// A TOML configuration's gradient check: its [loss], [gradcheck] and
// [integrator] tables say what and how.
GradcheckSetup PrepareConfiguredGradcheck(const std::string& path, const GradcheckConfig& loaded) {
  auto config = std::make_shared<const GradcheckConfig>(loaded);
  const HamiltonianSystem& system = *config->simulation.substrate.system;
  GradcheckSetup setup{.title = config->simulation.substrate.description,
                       .owner = config,
                       .problem = config->Problem(),
                       .settings = config->settings,
                       .methods = config->methods};
  setup.run = {.parameter_names = system.parameter_names(),
               .num_dof = system.num_dof(),
               .reference = config->reference,
               .parameter_scales = ParameterScales(setup.problem.forward.theta),
               .echo_bias_warning =
                   EchoBiasWarning(setup.problem, config->settings.echo, config->methods),
               .timing = config->timing};
  setup.run_fields = {{"config_file", RecordedSourceName(path)},
                      {"model", config->simulation.substrate.description},
                      {"integrator", ToJson(config->simulation.integrator)},
                      {"beta", config->settings.echo.beta}};
  return setup;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs the methods in turn into setup->run.results; false when one failed or
// the time budget ran out (the cause printed).
bool RunMethods(GradcheckSetup* setup, bool quiet) {
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string>& methods = setup->methods;
  bool all_ok = true;
  for (size_t k = 0; k < methods.size(); ++k) {
    const double spent_s = SecondsSince(started);
    if (k > 0 && setup->time_budget_s > 0.0 && spent_s > setup->time_budget_s) {
      fmt::print(stderr,
                 "gradcheck: --time-budget: {:.3g} s spent after {} (budget {:.3g} s); skipped "
                 "{}\nNo output written.\n",
                 spent_s, methods[k - 1], setup->time_budget_s,
                 fmt::join(methods.begin() + static_cast<std::ptrdiff_t>(k), methods.end(), ", "));
      return false;
    }
    if (!quiet) fmt::print(stderr, "gradcheck: {} ({}/{})\n", methods[k], k + 1, methods.size());
    GradientResult result =
        ComputeMeasured(*MakeGradientMethod(methods[k], setup->settings), setup->problem);
    if (!setup->entries.empty()) result = RestrictedToEntries(result, setup->entries);
    if (!result.ok()) {
      fmt::print(stderr, "gradcheck: {} failed: {}\n", methods[k], result.message);
      all_ok = false;
    }
    setup->run.results.push_back(std::move(result));
  }
  return all_ok;
}

}  // namespace

int RunGradcheck(const GradcheckArguments& arguments) {
  GradcheckSetup setup;
  if (IsNetlistPath(arguments.config_path)) {
    NetlistGradcheckOptions options = arguments.netlist;
    options.problem.netlist_path = arguments.config_path;
    setup = PrepareNetlistGradcheck(std::move(options), arguments.quiet);
  } else {
    const ConfigTable root = ConfigTable::ParseFile(arguments.config_path);
    if (IsHssmGradcheckConfig(root)) {
      return RunHssmGradcheck(arguments, ParseHssmGradcheckConfig(root));
    }
    setup = PrepareConfiguredGradcheck(arguments.config_path,
                                       LoadGradcheckConfig(arguments.config_path));
  }
  const fs::path destination = arguments.output_dir.empty()
                                   ? DefaultOutputFolder("gradcheck", arguments.config_path)
                                   : fs::path(arguments.output_dir);
  StagedDirectory output(destination, arguments.force);
  if (!setup.run.echo_bias_warning.empty() && !arguments.quiet) {
    fmt::print(stderr, "gradcheck: warning: {}\n", setup.run.echo_bias_warning);
  }
  if (!RunMethods(&setup, arguments.quiet)) return 1;

  nlohmann::json report = GradcheckJson(setup.run);
  report["run"] = RunHeader("gradcheck");
  report["run"].update(setup.run_fields);
  WriteJson(report, output.path() / "gradcheck.json");
  if (setup.write_files) setup.write_files(output.path());
  output.Commit();
  if (arguments.json) {
    fmt::print("{}\n", report.dump(2));
  } else if (!arguments.quiet) {
    fmt::print("{}\n{}wrote {}\n", setup.title, GradcheckTable(setup.run),
               (output.destination() / "gradcheck.json").string());
  }
  return 0;
}

}  // namespace echolab
