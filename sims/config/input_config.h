#pragma once

#include <string_view>
#include <vector>

#include "physics/input_signal.h"
#include "sims/config/config_table.h"

namespace echolab {

/// Builds the input signal from the [[input]] tables of a configuration, one
/// channel per table, in order. Waveforms: "constant" (value), "sine"
/// (amplitude, frequency_Hz, phase_rad, offset), "sampled" (times_s and
/// values, or file = a CSV with a header and columns t, value; interpolation
/// "linear" or "cubic"), "piecewise_linear" (times_s, values). Each table may
/// give parity = "even" (default) or "odd".
InputSignal BuildInputSignal(const std::vector<ConfigTable>& channels);

/// The interpolation named by `key` ("linear", the default, or "cubic").
Interpolation ReadInterpolation(const ConfigTable& table, std::string_view key);

}  // namespace echolab
