#pragma once

#include <string>
#include <vector>

namespace echolab {

/// The breakpoints of a sampled waveform, times strictly increasing.
struct WaveformSamples {
  std::vector<double> times_s;
  std::vector<double> values;
};

/// Reads a waveform CSV file: a PWL FILE source of a netlist, a sampled
/// [[input]] or [[loss.target]] of a configuration, the target of a netlist's
/// gradcheck. One rule for all of them:
///   file := header-line { data-line | blank-line }
///   header-line := 't' ',' name            (UTF-8; e.g. "t,value" or "t,y")
///   data-line   := number ',' number       (time in s, value; plain finite numbers)
/// with at least one data line and strictly increasing times. The file must
/// pass CheckInputFile (a regular file of bounded size). Throws InputError
/// "PATH:LINE:COLUMN: ..." otherwise.
WaveformSamples ReadWaveformCsv(const std::string& path);

}  // namespace echolab
