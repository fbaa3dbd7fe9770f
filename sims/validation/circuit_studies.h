#pragma once

#include <filesystem>

#include "sims/validation/validation_check.h"

namespace echolab {

/// (e) Per-element gradients of a node-voltage loss on an LC ladder (with a
/// mutual inductance, driven by a sine current): echo, CVODES adjoint and
/// finite differences. Writes parameters_lc_ladder.csv.
ValidationCheck CircuitGradientStudy(const std::filesystem::path& dir);

/// (f) The same ladder simulated by echolab and by ngspice: node voltages
/// overlaid. Writes ngspice_lc_ladder.csv (ngspice's own files go to a
/// sub-directory). A missing ngspice makes the check fail, not the report.
ValidationCheck CircuitNgspiceStudy(const std::filesystem::path& dir);

}  // namespace echolab
