// `echolab validate`: the checks of echo learning against the adjoint, with
// nothing to configure but the output.

#include "sims/cli/cli_command.h"
#include "sims/cli/cli_commands.h"
#include "sims/cli/option_checks.h"
#include "sims/commands/validate_command.h"

namespace echolab {

namespace {

class ValidateCli : public CliCommand {
  CLI::App* DoDeclare(CLI::App* app) override {
    CLI::App* command = app->add_subcommand(
        "validate", "Check echo learning against the adjoint method and write an HTML report");
    AddOutputOptions(command, arguments_, "out/validate");
    AddFigureFormatOption(command, arguments_.figure_format);
    return command;
  }

  int DoRun() override { return RunValidate(arguments_); }

  ValidateArguments arguments_;
};

}  // namespace

std::unique_ptr<CliCommand> MakeValidateCli() { return std::make_unique<ValidateCli>(); }

}  // namespace echolab
