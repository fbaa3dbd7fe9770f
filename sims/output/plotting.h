#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace echolab {

/// Runs a plotting script of sims/plot/ with Debian's matplotlib:
///   PYTHON SCRIPT ARGS...
/// PYTHON is $ECHOLAB_PYTHON or /usr/bin/python3; scripts are looked up in
/// $ECHOLAB_PLOT_DIR or the source tree's sims/plot. Throws std::runtime_error
/// with the script's output when it fails.
void RunPlotScript(const std::string& script, const std::vector<std::string>& args);

}  // namespace echolab
