#pragma once

#include <memory>
#include <vector>

#include "sims/cli/cli_command.h"

namespace echolab {

// The commands of `echolab`, one file each (sims/cli/NAME_cli.cpp). A new
// command is one such file, its factory here and its line in
// MakeCliCommands (cli_commands.cpp).
std::unique_ptr<CliCommand> MakeSimulateCli();
std::unique_ptr<CliCommand> MakeGradcheckCli();
std::unique_ptr<CliCommand> MakeSweepCli();
std::unique_ptr<CliCommand> MakeValidateCli();
std::unique_ptr<CliCommand> MakeTrainCli();
std::unique_ptr<CliCommand> MakePlotCli();

/// Every command of `echolab`, in the order of its help: simulate, gradcheck,
/// sweep, validate, train, plot.
std::vector<std::unique_ptr<CliCommand>> MakeCliCommands();

}  // namespace echolab
