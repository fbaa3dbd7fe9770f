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
    command->add_option("-j,--jobs", arguments_.jobs, "Worker threads (default: one per core)")
        ->check(CLI::NonNegativeNumber);
    command->add_flag(
        "--restart", arguments_.restart,
        "Discard the results of an earlier sweep in the output directory and start over");
    AddOutputOptions(command, arguments_, "out/sweep/<config name>",
                     "Write into the output folder even if it was not written by echolab");
    AddFigureOptions(command, arguments_, "Write the CSV only");
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
