#pragma once

#include <string>
#include <string_view>

namespace echolab {

/// Checks that `path` names a file that can be read as input: it exists, is a
/// regular file (not a directory, a fifo or a device such as /dev/zero) and is
/// at most MemoryBudget::MaxInputFileBytes() long. Otherwise throws
/// InputError "PATH: cannot read the WHAT: CAUSE", with the fix where there is
/// one. `what` names the file's role, e.g. "waveform file".
void CheckInputFile(const std::string& path, std::string_view what);

/// CheckInputFile, then the whole file as bytes.
std::string ReadInputFile(const std::string& path, std::string_view what);

}  // namespace echolab
