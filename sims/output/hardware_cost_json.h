#pragma once

#include <nlohmann/json.hpp>

#include "learning/hardware_cost.h"

namespace echolab {

/// One method's HardwareCost as JSON, with its physical time under `timing`:
///   {"hardware_passes", "flips", "resets", "pass_time_s", "flip_time_s",
///    "reset_time_s", "physical_time_s",
///    "energy_J": {"input_work", "nudge_work", "dissipated", "flips",
///                 "energy_change", "balance_error"} (null when not measured),
///    "readout": {"samples_per_parameter", "max_abs_integrand": [...],
///                "min_abs_integrand": [...], "mean_abs_integrand": [...],
///                "range_bits", "range_relative_accuracy"},
///    "digital": {"model_evaluations", "flops", "memory_bytes"}}
nlohmann::json HardwareCostJson(const HardwareCost& cost, const HardwareTiming& timing);

/// The bits of the read-out's converters for kReadoutRelativeAccuracy
/// (ReadoutCost::RangeBits): log2(max|g| / (ε mean|g|)), the widest over the
/// parameters. NaN when the range was not measured.
double ReadoutRangeBits(const ReadoutCost& readout);

}  // namespace echolab
