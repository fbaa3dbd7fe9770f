#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sims/sweep/folder_lock.h"
#include "sims/sweep/sweep_config.h"

namespace echolab {

struct SweepArguments {
  std::string config_path;
  /// Output directory; empty means out/sweep/<config file stem>.
  std::string output_dir;
  /// Worker threads; 0 means one per core.
  int jobs = 0;
  /// Discard the results of an earlier sweep in the output directory first.
  bool restart = false;
  bool plot = true;
  std::string figure_format = "png";  // --format: png, svg or pdf
  bool quiet = false;
  /// Replace an existing output folder even if echolab did not write it.
  bool force = false;
};

/// `echolab sweep CONFIG.toml`: every point of the [sweep] grid, on all
/// cores, one tidy CSV row per point in results.csv (knobs, status, metrics,
/// time), written whole as each point finishes. A restarted sweep skips the
/// points the file already holds, so an interrupted sweep resumes without
/// recomputing or losing a finished point, provided that the problem is the
/// same (sweep_state.json; otherwise InputError, unless `restart`). A lock
/// (sweep.lock) keeps a second sweep out of the folder while one runs. At
/// the end, the bias and spread of the echo over seeds (seed_statistics.csv)
/// and the plots. Returns 0, or 1 when a point failed (its row says why);
/// throws std::runtime_error when a file cannot be written, keeping the rows
/// written whole before.
/// Started by mpirun (or srun), an echolab built with ECHOLAB_MPI runs
/// RunDistributedSweep (sims/mpi/) instead.
int RunSweep(const SweepArguments& arguments);

/// A sweep's output folder, ready for rows: created, locked (held while the
/// object lives), the problem checked or recorded, results.csv prepared; and
/// the points that it does not hold yet.
struct PreparedSweep {
  std::filesystem::path directory;
  std::filesystem::path results;  // directory / results.csv
  std::unique_ptr<FolderLock> lock;
  std::vector<size_t> todo;  // indices into SweepConfig::points
};

/// The worker threads of one process: --jobs, or one per core.
int SweepThreads(const SweepArguments& arguments);

/// The first half of RunSweep, before any point runs.
PreparedSweep PrepareSweep(const SweepArguments& arguments, const SweepConfig& config);

/// The second half, once every point of `todo` has its row: the seed
/// statistics, meta.json and the plots. Returns RunSweep's exit code.
int FinishSweep(const SweepArguments& arguments, const SweepConfig& config,
                const PreparedSweep& prepared, bool any_failed);

}  // namespace echolab
