#pragma once

#include <istream>
#include <string>

#include "circuits/netlist.h"

namespace echolab {

/// Reads the breakpoints of a waveform CSV file into waveform->times_s and
/// waveform->values:
///   file := header-line { data-line | blank-line }
///   header-line := 't' ',' 'value'         (blanks allowed, any case)
///   data-line   := number ',' number       (time in s, value; plain numbers)
/// with at least one data line and strictly increasing times. Throws
/// InputError "PATH:LINE:COLUMN: ..." otherwise.
void ReadWaveformCsv(std::istream& in, const std::string& path, SourceWaveform* waveform);

}  // namespace echolab
