// The echolab command line: simulate Hamiltonian substrates (and, as the
// project grows, check and train them with echo learning).
//
// Exit codes: 0 success; 1 a run failed (numerically, or a file could not be
// written), with the cause printed; 2 bad input (usage, configuration, sizes,
// an unusable output folder), with a message naming the file, line or field;
// 3 the results were written but their figures could not be drawn
// (`echolab plot DIR` redraws them).
// A run that fails leaves no output behind (docs/architecture.md, "Failure
// behaviour").

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <csignal>
#include <exception>
#include <map>
#include <new>

#include "common/error.h"
#include "learning/gradient_method_registry.h"
#include "physics/integrator.h"
#include "physics/memory_budget.h"
#include "sims/build_info.h"
#include "sims/commands/circuit_gradcheck.h"
#include "sims/commands/circuit_simulate.h"
#include "sims/commands/gradcheck_command.h"
#include "sims/commands/simulate_command.h"
#include "sims/commands/sweep_command.h"
#ifdef ECHOLAB_MPI
#include "sims/mpi/distributed_sweep.h"
#include "sims/mpi/mpi_session.h"
#endif
#include "sims/commands/train_command.h"
#include "sims/commands/validate_command.h"
#include "sims/output/plotting.h"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitFailed = 1;

constexpr const char* kForceHelp =
    "Replace the output folder even if it was not written by echolab (its files are lost)";

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

// An input file that exists, or "-" for standard input.
CLI::Validator FileOrStandardInput() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        return text == "-" ? std::string() : CLI::ExistingFile(text);
      },
      "FILE or - (stdin)");
}

// --format: the file format of a command's figures.
void AddFigureFormatOption(CLI::App* command, std::string& format) {
  command->add_option("--format", format, "File format of the figures: png (200 dpi), svg or pdf")
      ->check(CLI::IsMember(echolab::kFigureFormats))
      ->default_str("png");
}

}  // namespace

int main(int argc, char** argv) {
  // Past a file size limit, a write fails with EFBIG (reported, with the
  // file's name) instead of the signal ending the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"echolab: simulate Hamiltonian hardware and train it with echo learning"};
  app.set_version_flag("--version", fmt::format("echolab {} (commit {})", echolab::kEcholabVersion,
                                                echolab::kGitCommit));
  app.require_subcommand(1);

  echolab::SimulateArguments simulate;
  CLI::App* simulate_command = app.add_subcommand(
      "simulate", "Run a substrate from a TOML configuration file or a SPICE netlist");
  simulate_command
      ->add_option("config", simulate.config_path,
                   "Configuration file (TOML), or a SPICE netlist (.cir, ...); - reads standard "
                   "input (a netlist when it has dot cards such as .tran)")
      ->required()
      ->check(FileOrStandardInput());
  simulate_command->add_option("-o,--output-dir", simulate.output_dir,
                               "Output directory (default out/simulate/<config name>)");
  simulate_command->add_flag(
      "--no-plot", [&](std::int64_t) { simulate.plot = false; }, "Write CSV and JSON only");
  AddFigureFormatOption(simulate_command, simulate.figure_format);
  simulate_command->add_flag("-q,--quiet", simulate.quiet, "Print nothing but errors");
  simulate_command->add_flag("--force", simulate.force, kForceHelp);
  simulate_command
      ->add_option("--temperature", simulate.temperature_K,
                   "Netlists: resistor temperature (K) for Johnson-Nyquist noise")
      ->check(FiniteNumber(true));
  simulate_command->add_option("--seed", simulate.seed, "Netlists: seed of the noise");
  simulate_command
      ->add_option("--node-capacitance", simulate.node_capacitance_F,
                   "Netlists: parasitic capacitance (F) from every node that has none to ground "
                   "(default 0: such nodes are refused)")
      ->check(FiniteNumber(true));

  echolab::GradcheckArguments gradcheck;
  CLI::App* gradcheck_command = app.add_subcommand(
      "gradcheck", "Compare the echo gradient with the adjoint, BPTT and finite differences");
  gradcheck_command
      ->add_option("config", gradcheck.config_path,
                   "Configuration file (TOML), or a SPICE netlist (.cir, .net, .sp, .spice); - "
                   "reads standard input (a netlist when it has dot cards such as .tran)")
      ->required()
      ->check(FileOrStandardInput());
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
  netlist_options
      ->add_option("--methods", circuit.methods,
                   fmt::format("Gradient methods, comma-separated, among {} (default {})",
                               fmt::join(echolab::GradientMethodNames(), ", "),
                               fmt::join(circuit.methods, ",")))
      ->delimiter(',');
  netlist_options
      ->add_option("--step", circuit.problem.step_s, "Fixed step (s); default T / 10,000")
      ->check(FiniteNumber(false));
  netlist_options
      ->add_option("--target-interpolation", circuit.problem.target_interpolation,
                   "Between the target's samples: linear (default; second order in the step) "
                   "or cubic (fourth order)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, echolab::Interpolation>{
          {"linear", echolab::Interpolation::kLinear}, {"cubic", echolab::Interpolation::kCubic}}))
      ->option_text("linear|cubic");
  netlist_options
      ->add_option("--rtol", circuit.problem.rtol,
                   "Relative tolerance of the adjoint (default 1e-11)")
      ->check(FiniteNumber(false));
  netlist_options
      ->add_option(
          "--atol", circuit.problem.atol,
          "Absolute tolerance of the adjoint as a fraction of each quantity's scale (default "
          "1e-14)")
      ->check(FiniteNumber(false));
  netlist_options
      ->add_option("--scheme", circuit.problem.scheme,
                   fmt::format("Fixed-step scheme of the passes, one of {} (default {})",
                               fmt::join(echolab::CompositionSchemeNames(), ", "),
                               circuit.problem.scheme));
  netlist_options
      ->add_option("--time-budget", circuit.time_budget_s,
                   "Wall-time budget of the methods in s, checked after each method; the rest "
                   "are skipped and the run fails when it is spent (default 0: none)")
      ->check(FiniteNumber(true));
  netlist_options
      ->add_option("--node-capacitance", circuit.problem.node_capacitance_F,
                   "Parasitic capacitance (F) from every node that has none to ground (default "
                   "0: such nodes are refused)")
      ->check(FiniteNumber(true));
  gradcheck_command->add_option("-o,--output-dir", gradcheck.output_dir,
                                "Output directory (default out/gradcheck/<config name>)");
  gradcheck_command->add_flag("--json", gradcheck.json,
                              "Print the JSON report instead of the table");
  gradcheck_command->add_flag("-q,--quiet", gradcheck.quiet, "Print nothing but errors");
  gradcheck_command->add_flag("--force", gradcheck.force, kForceHelp);

  echolab::SweepArguments sweep;
  CLI::App* sweep_command = app.add_subcommand(
      "sweep", "Measure the echo's error over grids of non-idealities, resumably, on all cores");
  sweep_command
      ->add_option("config", sweep.config_path,
                   "Configuration file (TOML) with [sweep]; - reads standard input")
      ->required()
      ->check(FileOrStandardInput());
  sweep_command->add_option("-o,--output-dir", sweep.output_dir,
                            "Output directory (default out/sweep/<config name>)");
  sweep_command->add_option("-j,--jobs", sweep.jobs, "Worker threads (default: one per core)")
      ->check(CLI::NonNegativeNumber);
  sweep_command->add_flag(
      "--restart", sweep.restart,
      "Discard the results of an earlier sweep in the output directory and start over");
  sweep_command->add_flag(
      "--no-plot", [&](std::int64_t) { sweep.plot = false; }, "Write the CSV only");
  AddFigureFormatOption(sweep_command, sweep.figure_format);
  sweep_command->add_flag("-q,--quiet", sweep.quiet, "Print nothing but errors");
  sweep_command->add_flag("--force", sweep.force,
                          "Write into the output folder even if it was not written by echolab");

  echolab::ValidateArguments validate;
  CLI::App* validate_command = app.add_subcommand(
      "validate", "Check echo learning against the adjoint method and write an HTML report");
  validate_command->add_option("-o,--output-dir", validate.output_dir,
                               "Output directory (default out/validate)");
  AddFigureFormatOption(validate_command, validate.figure_format);
  validate_command->add_flag("-q,--quiet", validate.quiet, "Print nothing but errors");
  validate_command->add_flag("--force", validate.force, kForceHelp);

  echolab::TrainArguments train;
  CLI::App* train_command = app.add_subcommand(
      "train", "Train a model on a sequence task with the echo (rhel) or backpropagation (bptt)");
  train_command
      ->add_option("config", train.config_path, "Configuration file (TOML); - reads standard input")
      ->required()
      ->check(FileOrStandardInput());
  train_command
      ->add_option("--grad", train.gradient,
                   "Gradient rule: rhel (the echo) or bptt (for substrates: the adjoint); "
                   "default rhel")
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
  AddFigureFormatOption(train_command, train.figure_format);
  train_command->add_flag("-q,--quiet", train.quiet, "Print nothing but errors");
  train_command->add_flag("--force", train.force, kForceHelp);

  double max_memory_gib = echolab::MemoryBudget::kDefaultGiB;
  for (CLI::App* command :
       {simulate_command, gradcheck_command, sweep_command, validate_command, train_command}) {
    command
        ->add_option("--max-memory", max_memory_gib,
                     "Refuse inputs estimated to need more memory than this (GiB; default 8); "
                     "input files may be an eighth of it")
        ->check(FiniteNumber(false));
  }

  std::string plot_folder;
  CLI::App* plot_command = app.add_subcommand(
      "plot", "Redraw the figures of an output folder (of simulate, sweep, train or validate)");
  plot_command->add_option("folder", plot_folder, "The output folder")->required();
  std::string plot_format;
  plot_command
      ->add_option("--format", plot_format,
                   "File format of the figures: png (200 dpi), svg or pdf; default: the format "
                   "the folder's run recorded")
      ->check(CLI::IsMember(echolab::kFigureFormats));

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
      if (simulate.temperature_K != 0.0 || simulate.seed || simulate.node_capacitance_F != 0.0) {
        throw echolab::InputError(
            "--temperature, --seed and --node-capacitance apply to netlists; a TOML "
            "configuration sets noise in its [noise] table");
      }
      return echolab::RunSimulate(simulate);
    }
    if (*gradcheck_command && echolab::IsNetlistPath(gradcheck.config_path)) {
      circuit.problem.netlist_path = gradcheck.config_path;
      circuit.output_dir = gradcheck.output_dir;
      circuit.json = gradcheck.json;
      circuit.quiet = gradcheck.quiet;
      circuit.force = gradcheck.force;
      return echolab::RunCircuitGradcheck(circuit);
    }
    if (*gradcheck_command) {
      if (netlist_options->count_all() > 0) {
        throw echolab::InputError(
            "--train, --output, --target, --duration, --beta, --methods, --step, "
            "--target-interpolation, --rtol, --atol, --scheme, --time-budget and "
            "--node-capacitance apply to netlists; a TOML configuration sets the first ones in "
            "its [loss], [gradcheck] and [integrator] tables");
      }
      return echolab::RunGradcheck(gradcheck);
    }
    if (*validate_command) return echolab::RunValidate(validate);
#ifdef ECHOLAB_MPI
    if (*sweep_command && echolab::StartedByMpiLauncher()) {
      return echolab::RunDistributedSweep(sweep);
    }
#endif
    if (*sweep_command) return echolab::RunSweep(sweep);
    if (*train_command) return echolab::RunTrain(train);
    if (*plot_command) {
      const int drawn = echolab::RedrawFolder(
          plot_folder, plot_format.empty() ? std::nullopt : std::optional(plot_format));
      fmt::print("drew the figures of {} folder{} in {}\n", drawn, drawn == 1 ? "" : "s",
                 plot_folder);
      return 0;
    }
  } catch (const echolab::PlotError& error) {
    fmt::print(stderr, "echolab: {}\n", error.what());
    return echolab::kExitPlotFailed;
  } catch (const echolab::InputError& error) {
    fmt::print(stderr, "echolab: error: {}\n", error.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "echolab: failed: out of memory; the problem is too large for this machine's "
               "memory (or its limit: ulimit -v)\n");
    return kExitFailed;
  } catch (const std::exception& error) {
    fmt::print(stderr, "echolab: failed: {}\n", error.what());
    return kExitFailed;
  } catch (...) {
    fmt::print(stderr, "echolab: failed: an unknown error\n");
    return kExitFailed;
  }
  return 0;
}
