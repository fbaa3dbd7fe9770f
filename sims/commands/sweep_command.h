#pragma once

#include <string>

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
int RunSweep(const SweepArguments& arguments);

}  // namespace echolab
