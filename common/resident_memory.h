#pragma once

#include <string>

namespace echolab {

/// Resident memory of this process, as the Linux kernel reports it.

/// A field of /proc/self/status ("VmRSS": resident now, "VmHWM": the peak
/// since the last reset) in bytes; 0 if unknown.
long ProcessStatusBytes(const std::string& field);

/// Resets the kernel's high-water mark of this process's resident memory to
/// its current resident memory, so that the next "VmHWM" reading covers only
/// what follows (writing 5 to /proc/self/clear_refs). Returns false when the
/// kernel refused.
bool ResetPeakResidentMemory();

}  // namespace echolab
