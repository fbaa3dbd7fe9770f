// The echolab command line: simulate Hamiltonian substrates (and, as the
// project grows, check and train them with echo learning).
//
// Exit codes: 0 success; 1 a run failed numerically (status printed);
// 2 bad input (usage, configuration, sizes), with a message naming the file,
// line or field.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <exception>

#include "physics/error.h"
#include "physics/memory_budget.h"
#include "sims/build_info.h"
#include "sims/commands/circuit_gradcheck.h"
#include "sims/commands/circuit_simulate.h"
#include "sims/commands/gradcheck_command.h"
#include "sims/commands/simulate_command.h"
#include "sims/commands/sweep_command.h"
#include "sims/commands/train_command.h"
#include "sims/commands/validate_command.h"

namespace {

constexpr int kExitBadInput = 2;

// A numeric option that must be finite and > 0 (or >= 0 with `zero_allowed`):
// CLI11 names the option in the message.
CLI::Validator FiniteNumber(bool zero_allowed) {
  return CLI::Validator(
      [zero_allowed](std::string& text) -> std::string {
        double value = 0.0;
        if (!CLI::detail::lexical_cast(text, value) || !std::isfinite(value) || value < 0.0 ||
            (value == 0.0 && !zero_allowed)) {
          return fmt::format("expected a finite number {} 0, got '{}'", zero_allowed ? ">=" : ">",
                             text);
        }
        return "";
      },
      zero_allowed ? "NUMBER>=0" : "NUMBER>0");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"echolab: simulate Hamiltonian hardware and train it with echo learning"};
  app.set_version_flag("--version", echolab::kEcholabVersion);
  app.require_subcommand(1);

  echolab::SimulateArguments simulate;
  CLI::App* simulate_command =
      app.add_subcommand("simulate", "Run a substrate from a TOML configuration file");
  simulate_command
      ->add_option("config", simulate.config_path,
                   "Configuration file (TOML), or a SPICE netlist (.cir, ...)")
      ->required()
      ->check(CLI::ExistingFile);
  simulate_command->add_option("-o,--output-dir", simulate.output_dir,
                               "Output directory (default out/simulate/<config name>)");
  simulate_command->add_flag(
      "--no-plot", [&](std::int64_t) { simulate.plot = false; }, "Write CSV and JSON only");
  simulate_command->add_flag("-q,--quiet", simulate.quiet, "Print nothing but errors");
  simulate_command
      ->add_option("--temperature", simulate.temperature_K,
                   "Netlists: resistor temperature (K) for Johnson-Nyquist noise")
      ->check(FiniteNumber(true));
  simulate_command->add_option("--seed", simulate.seed, "Netlists: seed of the noise");

  echolab::GradcheckArguments gradcheck;
  CLI::App* gradcheck_command = app.add_subcommand(
      "gradcheck", "Compare the echo gradient with the adjoint, BPTT and finite differences");
  gradcheck_command
      ->add_option("config", gradcheck.config_path,
                   "Configuration file (TOML), or a SPICE netlist (.cir, .net, .sp, .spice)")
      ->required()
      ->check(CLI::ExistingFile);
  echolab::CircuitGradcheckArguments circuit;
  CLI::Option_group* netlist_options =
      gradcheck_command->add_option_group("netlist", "Options for a netlist");
  netlist_options->add_option("--train", circuit.problem.train, "Element names to differentiate")
      ->delimiter(',');
  netlist_options->add_option("--output", circuit.problem.output_node,
                              "Node whose voltage is fitted");
  netlist_options->add_option("--target", circuit.problem.target_csv, "Target waveform CSV (t,y)");
  netlist_options
      ->add_option("--duration", circuit.problem.duration_s, "Duration T of the pass (s)")
      ->check(FiniteNumber(false));
  netlist_options
      ->add_option("--beta", circuit.beta,
                   "Nudging strength of the echo in F (default 1e-4 x the smallest capacitance)")
      ->check(FiniteNumber(false));
  netlist_options->add_option("--methods", circuit.methods, "Gradient methods")->delimiter(',');
  netlist_options
      ->add_option("--step", circuit.problem.step_s, "Fixed step (s); default T / 10,000")
      ->check(FiniteNumber(false));
  gradcheck_command->add_option("-o,--output-dir", gradcheck.output_dir,
                                "Output directory (default out/gradcheck/<config name>)");
  gradcheck_command->add_flag("--json", gradcheck.json,
                              "Print the JSON report instead of the table");
  gradcheck_command->add_flag("-q,--quiet", gradcheck.quiet, "Print nothing but errors");

  echolab::SweepArguments sweep;
  CLI::App* sweep_command = app.add_subcommand(
      "sweep", "Measure the echo's error over grids of non-idealities, resumably, on all cores");
  sweep_command->add_option("config", sweep.config_path, "Configuration file (TOML) with [sweep]")
      ->required()
      ->check(CLI::ExistingFile);
  sweep_command->add_option("-o,--output-dir", sweep.output_dir,
                            "Output directory (default out/sweep/<config name>)");
  sweep_command->add_option("-j,--jobs", sweep.jobs, "Worker threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  sweep_command->add_flag(
      "--no-plot", [&](std::int64_t) { sweep.plot = false; }, "Write the CSV only");
  sweep_command->add_flag("-q,--quiet", sweep.quiet, "Print nothing but errors");

  echolab::ValidateArguments validate;
  CLI::App* validate_command = app.add_subcommand(
      "validate", "Check echo learning against the adjoint method and write an HTML report");
  validate_command->add_option("-o,--output-dir", validate.output_dir,
                               "Output directory (default out/validate)");
  validate_command->add_flag("-q,--quiet", validate.quiet, "Print nothing but errors");

  echolab::TrainArguments train;
  CLI::App* train_command = app.add_subcommand(
      "train", "Train a model on a sequence task with the echo (rhel) or backpropagation (bptt)");
  train_command->add_option("config", train.config_path, "Configuration file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  train_command
      ->add_option("--grad", train.gradient,
                   "Gradient rule: rhel (the echo) or bptt (for substrates: the adjoint)")
      ->check(CLI::IsMember({"rhel", "bptt"}));
  train_command->add_option("-o,--output-dir", train.output_dir,
                            "Output directory (default out/train/<config name>)");
  train_command->add_flag("--resume", train.resume,
                          "Continue from the last checkpoint of an interrupted or finished run");
  train_command->add_flag(
      "--no-plot", [&](std::int64_t) { train.plot = false; }, "Write CSV and JSON only");
  train_command->add_option(
      "--seed", train.seed,
      "Seed of the initialisation and the batch order (replaces those of the configuration)");
  train_command->add_flag("-q,--quiet", train.quiet, "Print nothing but errors");

  double max_memory_gib = echolab::MemoryBudget::kDefaultGiB;
  for (CLI::App* command :
       {simulate_command, gradcheck_command, sweep_command, validate_command, train_command}) {
    command
        ->add_option("--max-memory", max_memory_gib,
                     "Refuse inputs estimated to need more memory than this (GiB; default 8); "
                     "input files may be an eighth of it")
        ->check(FiniteNumber(false));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    echolab::MemoryBudget::SetLimitGiB(max_memory_gib);
    if (*simulate_command && echolab::IsNetlistPath(simulate.config_path)) {
      return echolab::RunCircuitSimulate(simulate);
    }
    if (*simulate_command) {
      if (simulate.temperature_K != 0.0 || simulate.seed) {
        throw echolab::InputError(
            "--temperature and --seed apply to netlists; a TOML configuration sets them in its "
            "[noise] table");
      }
      return echolab::RunSimulate(simulate);
    }
    if (*gradcheck_command && echolab::IsNetlistPath(gradcheck.config_path)) {
      circuit.problem.netlist_path = gradcheck.config_path;
      circuit.output_dir = gradcheck.output_dir;
      circuit.json = gradcheck.json;
      circuit.quiet = gradcheck.quiet;
      return echolab::RunCircuitGradcheck(circuit);
    }
    if (*gradcheck_command) {
      if (netlist_options->count_all() > 0) {
        throw echolab::InputError(
            "--train, --output, --target, --duration, --beta, --methods and --step apply to "
            "netlists; a TOML configuration sets them in its [loss] and [gradcheck] tables");
      }
      return echolab::RunGradcheck(gradcheck);
    }
    if (*validate_command) return echolab::RunValidate(validate);
    if (*sweep_command) return echolab::RunSweep(sweep);
    if (*train_command) return echolab::RunTrain(train);
  } catch (const echolab::InputError& error) {
    fmt::print(stderr, "echolab: error: {}\n", error.what());
    return kExitBadInput;
  } catch (const std::exception& error) {
    fmt::print(stderr, "echolab: failed: {}\n", error.what());
    return 1;
  }
  return 0;
}
