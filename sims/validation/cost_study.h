#pragma once

#include <filesystem>

#include "sims/validation/validation_check.h"

namespace echolab {

/// (i) What a gradient costs the hardware: the echo's passes, physical time,
/// energies and read-out against the adjoint's floating-point operations and
/// memory, on the LC ladder and on a chain of 1,000 oscillators. Writes
/// cost_substrates.csv.
ValidationCheck HardwareCostStudy(const std::filesystem::path& dir);

}  // namespace echolab
