// `echolab train`: a model on a sequence task, by the echo or by
// backpropagation.

#include "sims/cli/cli_command.h"
#include "sims/cli/cli_commands.h"
#include "sims/cli/option_checks.h"
#include "sims/commands/train_command.h"

namespace echolab {

namespace {

class TrainCli : public CliCommand {
  CLI::App* DoDeclare(CLI::App* app) override {
    CLI::App* command = app->add_subcommand(
        "train", "Train a model on a sequence task with the echo (rhel) or backpropagation (bptt)");
    command
        ->add_option("config", arguments_.config_path,
                     "Configuration file (TOML); - reads standard input")
        ->required()
        ->check(FileOrStandardInput());
    command
        ->add_option("--grad", arguments_.gradient,
                     "Gradient rule: rhel (the echo) or bptt (for substrates: the adjoint); "
                     "default rhel")
        ->check(CLI::IsMember({"rhel", "bptt"}));
    command->add_flag("--resume", arguments_.resume,
                      "Continue from the last checkpoint of an interrupted or finished run");
    command->add_option(
        "--seed", arguments_.seed,
        "Seed of the initialisation and the batch order (replaces those of the configuration)");
    AddOutputOptions(command, arguments_, "out/train/<config name>");
    AddFigureOptions(command, arguments_, "Write CSV and JSON only");
    return command;
  }

  int DoRun() override { return RunTrain(arguments_); }

  TrainArguments arguments_;
};

}  // namespace

std::unique_ptr<CliCommand> MakeTrainCli() { return std::make_unique<TrainCli>(); }

}  // namespace echolab
