#pragma once

#include <string>
#include <vector>

#include "learning/gradient_method.h"

namespace echolab {

/// The hardware cost of a sweep point (learning/hardware_cost.h) as columns of
/// its row, before wall_time_s: the echo's passes, physical time (flip and
/// reset times 0), energies and read-out, and the digital cost of the adjoint.
/// NaN where a figure was not measured (the continuous echo of a noisy pass).
inline const std::vector<std::string> kSweepCostColumns = {
    "echo_hardware_passes", "echo_physical_time_s",    "echo_input_work_J",
    "echo_nudge_work_J",    "echo_dissipated_J",       "echo_flip_energy_J",
    "echo_readout_samples", "echo_readout_range_bits", "adjoint_flops",
    "adjoint_memory_bytes"};

/// The values of kSweepCostColumns for one point (NaN for a failed point:
/// empty results).
std::vector<double> SweepCostValues(const GradientResult& echo, const GradientResult& adjoint);

}  // namespace echolab
