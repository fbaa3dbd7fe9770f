#include "sims/cli/cli_commands.h"

namespace echolab {

std::vector<std::unique_ptr<CliCommand>> MakeCliCommands() {
  std::vector<std::unique_ptr<CliCommand>> commands;
  commands.push_back(MakeSimulateCli());
  commands.push_back(MakeGradcheckCli());
  commands.push_back(MakeSweepCli());
  commands.push_back(MakeValidateCli());
  commands.push_back(MakeTrainCli());
  commands.push_back(MakePlotCli());
  return commands;
}

}  // namespace echolab
