// The echolab command line: simulate Hamiltonian substrates (and, as the
// project grows, check and train them with echo learning).
//
// Exit codes: 0 success; 1 a run failed numerically (status printed);
// 2 bad input (usage, configuration, sizes), with a message naming the file,
// line or field.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "physics/error.h"
#include "sims/build_info.h"
#include "sims/commands/gradcheck_command.h"
#include "sims/commands/simulate_command.h"
#include "sims/commands/validate_command.h"

namespace {

constexpr int kExitBadInput = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"echolab: simulate Hamiltonian hardware and train it with echo learning"};
  app.set_version_flag("--version", echolab::kEcholabVersion);
  app.require_subcommand(1);

  echolab::SimulateArguments simulate;
  CLI::App* simulate_command =
      app.add_subcommand("simulate", "Run a substrate from a TOML configuration file");
  simulate_command->add_option("config", simulate.config_path, "Configuration file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  simulate_command->add_option("-o,--output-dir", simulate.output_dir,
                               "Output directory (default out/simulate/<config name>)");
  simulate_command->add_flag(
      "--no-plot", [&](std::int64_t) { simulate.plot = false; }, "Write CSV and JSON only");
  simulate_command->add_flag("-q,--quiet", simulate.quiet, "Print nothing but errors");

  echolab::GradcheckArguments gradcheck;
  CLI::App* gradcheck_command = app.add_subcommand(
      "gradcheck", "Compare the echo gradient with the adjoint, BPTT and finite differences");
  gradcheck_command->add_option("config", gradcheck.config_path, "Configuration file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  gradcheck_command->add_option("-o,--output-dir", gradcheck.output_dir,
                                "Output directory (default out/gradcheck/<config name>)");
  gradcheck_command->add_flag("--json", gradcheck.json,
                              "Print the JSON report instead of the table");
  gradcheck_command->add_flag("-q,--quiet", gradcheck.quiet, "Print nothing but errors");

  echolab::ValidateArguments validate;
  CLI::App* validate_command = app.add_subcommand(
      "validate", "Check echo learning against the adjoint method and write an HTML report");
  validate_command->add_option("-o,--output-dir", validate.output_dir,
                               "Output directory (default out/validate)");
  validate_command->add_flag("-q,--quiet", validate.quiet, "Print nothing but errors");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*simulate_command) return echolab::RunSimulate(simulate);
    if (*gradcheck_command) return echolab::RunGradcheck(gradcheck);
    if (*validate_command) return echolab::RunValidate(validate);
  } catch (const echolab::InputError& error) {
    fmt::print(stderr, "echolab: error: {}\n", error.what());
    return kExitBadInput;
  } catch (const std::exception& error) {
    fmt::print(stderr, "echolab: failed: {}\n", error.what());
    return 1;
  }
  return 0;
}
