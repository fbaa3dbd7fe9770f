// `echolab sweep`: on the cores of one machine, or across the ranks of an MPI
// job when started by mpirun or srun (an echolab built with ECHOLAB_MPI).

#include "sims/cli/cli_command.h"
#include "sims/cli/cli_commands.h"
#include "sims/cli/option_checks.h"
#include "sims/commands/sweep_command.h"
#ifdef ECHOLAB_MPI
#include "sims/mpi/distributed_sweep.h"
#include "sims/mpi/mpi_session.h"
#endif

namespace echolab {

namespace {

class SweepCli : public CliCommand {
  CLI::App* DoDeclare(CLI::App* app) override {
    CLI::App* command = app->add_subcommand(
        "sweep", "Measure the echo's error over grids of non-idealities, resumably, on all cores");
    command
        ->add_option("config", arguments_.config_path,
                     "Configuration file (TOML) with [sweep]; - reads standard input")
        ->required()
        ->check(FileOrStandardInput());
    command->add_option("-o,--output-dir", arguments_.output_dir,
                        "Output directory (default out/sweep/<config name>)");
    command->add_option("-j,--jobs", arguments_.jobs, "Worker threads (default: one per core)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag(
        "--restart", arguments_.restart,
        "Discard the results of an earlier sweep in the output directory and start over");
    command->add_flag(
        "--no-plot", [this](std::int64_t) { arguments_.plot = false; }, "Write the CSV only");
    AddFigureFormatOption(command, arguments_.figure_format);
    command->add_flag("-q,--quiet", arguments_.quiet, "Print nothing but errors");
    command->add_flag("--force", arguments_.force,
                      "Write into the output folder even if it was not written by echolab");
    return command;
  }

  int DoRun() override {
#ifdef ECHOLAB_MPI
    if (StartedByMpiLauncher()) return RunDistributedSweep(arguments_);
#endif
    return RunSweep(arguments_);
  }

  SweepArguments arguments_;
};

}  // namespace

std::unique_ptr<CliCommand> MakeSweepCli() { return std::make_unique<SweepCli>(); }

}  // namespace echolab
