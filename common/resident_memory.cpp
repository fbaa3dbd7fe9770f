#include "common/resident_memory.h"

#include <fstream>

namespace echolab {

long ProcessStatusBytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  const std::string key = field + ":";
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size())) * 1024;
  }
  return 0;
}

bool ResetPeakResidentMemory() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return clear_refs.good();
}

}  // namespace echolab
