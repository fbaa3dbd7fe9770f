// `echolab simulate`: a TOML configuration or a SPICE netlist.

#include "sims/cli/cli_command.h"
#include "sims/cli/cli_commands.h"
#include "sims/cli/option_checks.h"
#include "sims/commands/simulate_command.h"

namespace echolab {

namespace {

class SimulateCli : public CliCommand {
  CLI::App* DoDeclare(CLI::App* app) override {
    CLI::App* command = app->add_subcommand(
        "simulate", "Run a substrate from a TOML configuration file or a SPICE netlist");
    command
        ->add_option("config", arguments_.config_path,
                     "Configuration file (TOML), or a SPICE netlist (.cir, ...); - reads standard "
                     "input (a netlist when it has dot cards such as .tran)")
        ->required()
        ->check(FileOrStandardInput());
    command
        ->add_option("--temperature", arguments_.temperature_K,
                     "Netlists: resistor temperature (K) for Johnson-Nyquist noise")
        ->check(FiniteNumber(true));
    command->add_option("--seed", arguments_.seed, "Netlists: seed of the noise");
    command
        ->add_option("--node-capacitance", arguments_.node_capacitance_F,
                     "Netlists: parasitic capacitance (F) from every node that has none to "
                     "ground (default 0: a node behind resistors is solved from Kirchhoff's "
                     "law, others are refused)")
        ->check(FiniteNumber(true));
    AddOutputOptions(command, arguments_, "out/simulate/<config name>");
    AddFigureOptions(command, arguments_, "Write CSV and JSON only");
    return command;
  }

  int DoRun() override { return RunSimulate(arguments_); }

  SimulateArguments arguments_;
};

}  // namespace

std::unique_ptr<CliCommand> MakeSimulateCli() { return std::make_unique<SimulateCli>(); }

}  // namespace echolab
