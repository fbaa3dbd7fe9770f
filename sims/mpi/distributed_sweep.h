#pragma once

#include "sims/commands/sweep_command.h"

namespace echolab {

/// `mpirun -n K echolab sweep CONFIG.toml -o DIR`: the points of RunSweep
/// spread over K processes (ranks), each rank reading the configuration.
///
/// Rank 0 prepares the folder as RunSweep does (lock, problem fingerprint,
/// --restart, the rows already there), then hands out the points missing one
/// at a time to whichever worker thread asks next, its own or another rank's
/// (dynamic distribution: points differ in cost by orders of magnitude),
/// appends each row as it arrives (the only writer of results.csv, whole rows
/// only) and finishes as RunSweep does. Every rank computes on
/// SweepThreads() threads.
/// The rows are those of `-j 1`, in the order the points finish.
///
/// A rank that dies ends the job (mpirun ends the others); rerunning the
/// same command resumes with the missing points. A failure that would leave
/// the other ranks waiting (a row that cannot be written) ends every rank
/// with MPI_Abort. With K = 1, RunSweep. Returns the exit code of this rank:
/// rank 0's is RunSweep's, the workers' 0.
int RunDistributedSweep(const SweepArguments& arguments);

}  // namespace echolab
