#pragma once

#include <string>

namespace echolab {

struct ValidateArguments {
  /// Output directory; empty means out/validate.
  std::string output_dir;
  bool quiet = false;
  std::string figure_format = "png";  // --format: png, svg or pdf
  /// Replace an existing output folder even if echolab did not write it.
  bool force = false;
};

/// `echolab validate`: the main job, nothing to configure. Runs the paper's
/// six-oscillator network and a nonlinear network through the checks of
/// sims/validation and writes CSV, summary.json, PNG plots and report.html.
/// Returns 0 when every check passed, 1 otherwise (the report is written
/// either way).
int RunValidate(const ValidateArguments& arguments);

}  // namespace echolab
