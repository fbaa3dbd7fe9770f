#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace echolab {

struct TrainArguments {
  std::string config_path;
  /// "rhel" (the echo) or "bptt" (backpropagation through time; for
  /// substrates its continuous counterpart, the adjoint).
  std::string gradient = "rhel";
  /// Output directory; empty means out/train/<config file stem>.
  std::string output_dir;
  /// Continue from the last checkpoint of an interrupted (or finished) run.
  bool resume = false;
  /// Replaces the seeds of [model] and [training] (initialisation, batch
  /// order); the data and its split stay those of the configuration.
  std::optional<std::uint64_t> seed;
  bool plot = true;
  std::string figure_format = "png";  // --format: png, svg or pdf
  bool quiet = false;
  /// Replace an existing output folder even if echolab did not write it.
  bool force = false;
};

/// `echolab train CONFIG.toml --grad rhel|bptt`: trains the [model] on the
/// [task] as [training] says. While it runs, DIR.in-progress/ holds the
/// checkpoint of the last evaluation (written atomically), from which
/// --resume continues bit for bit. At the end DIR appears whole: metrics.csv,
/// checkpoint.json, parameters.csv (the best parameters), summary.json and
/// learning_curve.png. Returns 0; bad input throws InputError before anything
/// is written; a numerical failure throws and leaves DIR as it was.
int RunTrain(const TrainArguments& arguments);

}  // namespace echolab
