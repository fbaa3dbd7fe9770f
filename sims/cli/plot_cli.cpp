// `echolab plot`: redraws the figures of an output folder.

#include <fmt/format.h>

#include <optional>
#include <string>

#include "sims/cli/cli_command.h"
#include "sims/cli/cli_commands.h"
#include "sims/output/plotting.h"

namespace echolab {

namespace {

class PlotCli : public CliCommand {
  CLI::App* DoDeclare(CLI::App* app) override {
    CLI::App* command = app->add_subcommand(
        "plot", "Redraw the figures of an output folder (of simulate, sweep, train or validate)");
    command->add_option("folder", folder_, "The output folder")->required();
    command
        ->add_option("--format", format_,
                     "File format of the figures: png (200 dpi), svg or pdf; default: the format "
                     "the folder's run recorded")
        ->check(CLI::IsMember(kFigureFormats));
    return command;
  }

  int DoRun() override {
    const int drawn =
        RedrawFolder(folder_, format_.empty() ? std::nullopt : std::optional(format_));
    fmt::print("drew the figures of {} folder{} in {}\n", drawn, drawn == 1 ? "" : "s", folder_);
    return 0;
  }

  // Reads no input of a size to budget.
  bool UsesMemoryBudget() const override { return false; }

  std::string folder_;
  std::string format_;
};

}  // namespace

std::unique_ptr<CliCommand> MakePlotCli() { return std::make_unique<PlotCli>(); }

}  // namespace echolab
