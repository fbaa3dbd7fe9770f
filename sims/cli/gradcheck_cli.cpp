// `echolab gradcheck`: a TOML configuration, or a SPICE netlist with the
// options that say what to differentiate.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "learning/gradient_method_registry.h"
#include "physics/integrator.h"
#include "sims/cli/cli_command.h"
#include "sims/cli/cli_commands.h"
#include "sims/cli/option_checks.h"
#include "sims/commands/gradcheck_command.h"
#include "sims/config/netlist_path.h"

namespace echolab {

namespace {

class GradcheckCli : public CliCommand {
  CLI::App* DoDeclare(CLI::App* app) override {
    CLI::App* command = app->add_subcommand(
        "gradcheck", "Compare the echo gradient with the adjoint, BPTT and finite differences");
    command
        ->add_option("config", arguments_.config_path,
                     "Configuration file (TOML), or a SPICE netlist (.cir, .net, .sp, .spice); - "
                     "reads standard input (a netlist when it has dot cards such as .tran)")
        ->required()
        ->check(FileOrStandardInput());
    DeclareNetlistOptions(command);
    command->add_flag("--json", arguments_.json, "Print the JSON report instead of the table");
    AddOutputOptions(command, arguments_, "out/gradcheck/<config name>");
    return command;
  }

  // What a netlist needs said on the command line (a TOML configuration says
  // it in its [loss], [gradcheck] and [integrator] tables).
  void DeclareNetlistOptions(CLI::App* command) {
    netlist_options_ = command->add_option_group("netlist", "Options for a netlist");
    CircuitProblemSpec& problem = arguments_.netlist.problem;
    netlist_options_->add_option("--train", problem.train, "Element names to differentiate")
        ->delimiter(',');
    netlist_options_->add_option("--output", problem.output_node, "Node whose voltage is fitted");
    netlist_options_->add_option("--target", problem.target_csv, "Target waveform CSV (t,y)");
    netlist_options_
        ->add_option("--duration", problem.duration_s, "Duration T of the pass (s)")
        ->check(FiniteNumber(false));
    netlist_options_
        ->add_option("--beta", arguments_.netlist.beta,
                     "Nudging strength of the echo in F (default 1e-4 x the smallest capacitance)")
        ->check(FiniteNumber(false));
    netlist_options_
        ->add_option("--methods", arguments_.netlist.methods,
                     fmt::format("Gradient methods, comma-separated, among {} (default {})",
                                 fmt::join(GradientMethodNames(), ", "),
                                 fmt::join(arguments_.netlist.methods, ",")))
        ->delimiter(',');
    netlist_options_
        ->add_option("--step", problem.step_s, "Fixed step (s); default T / 10,000")
        ->check(FiniteNumber(false));
    netlist_options_
        ->add_option("--target-interpolation", problem.target_interpolation,
                     "Between the target's samples: linear (default; second order in the step) "
                     "or cubic (fourth order)")
        ->transform(CLI::CheckedTransformer(std::map<std::string, Interpolation>{
            {"linear", Interpolation::kLinear}, {"cubic", Interpolation::kCubic}}))
        ->option_text("linear|cubic");
    netlist_options_
        ->add_option("--rtol", problem.rtol, "Relative tolerance of the adjoint (default 1e-11)")
        ->check(FiniteNumber(false));
    netlist_options_
        ->add_option("--atol", problem.atol,
                     "Absolute tolerance of the adjoint as a fraction of each quantity's scale "
                     "(default 1e-14)")
        ->check(FiniteNumber(false));
    netlist_options_->add_option(
        "--scheme", problem.scheme,
        fmt::format("Fixed-step scheme of the passes, one of {} (default {})",
                    fmt::join(CompositionSchemeNames(), ", "), problem.scheme));
    netlist_options_
        ->add_option("--time-budget", arguments_.netlist.time_budget_s,
                     "Wall-time budget of the methods in s, checked after each method; the rest "
                     "are skipped and the run fails when it is spent (default 0: none)")
        ->check(FiniteNumber(true));
    netlist_options_
        ->add_option("--node-capacitance", problem.node_capacitance_F,
                     "Parasitic capacitance (F) from every node that has none to ground (default "
                     "0: a node behind resistors is solved from Kirchhoff's law, others are "
                     "refused)")
        ->check(FiniteNumber(true));
  }

  int DoRun() override {
    if (!IsNetlistPath(arguments_.config_path) && netlist_options_->count_all() > 0) {
      std::vector<std::string> given;
      for (const CLI::Option* option : netlist_options_->get_options()) {
        if (option->count() > 0) given.push_back(option->get_name());
      }
      throw InputError(fmt::format(
          "{} apply to netlists only; a TOML configuration says what to differentiate in its "
          "[loss], [gradcheck] and [integrator] tables",
          fmt::join(given, ", ")));
    }
    return RunGradcheck(arguments_);
  }

  GradcheckArguments arguments_;
  CLI::Option_group* netlist_options_ = nullptr;
};

}  // namespace

std::unique_ptr<CliCommand> MakeGradcheckCli() { return std::make_unique<GradcheckCli>(); }

}  // namespace echolab
