#include "sims/config/netlist_path.h"

#include <filesystem>
#include <sstream>

#include "physics/input_file.h"
#include "physics/lower_case.h"

namespace echolab {

namespace {

// A netlist has dot cards (.tran, .end, ...): lines that start with '.',
// which a TOML file never has.
bool LooksLikeNetlist(const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '.') return true;
  }
  return false;
}

}  // namespace

bool IsNetlistPath(const std::string& path) {
  if (path == kStandardInputPath) {
    return LooksLikeNetlist(ReadInputFile(path, "configuration or netlist"));
  }
  const std::string extension = Lower(std::filesystem::path(path).extension().string());
  return extension == ".cir" || extension == ".net" || extension == ".sp" || extension == ".spice";
}

}  // namespace echolab
