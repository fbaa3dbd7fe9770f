#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace echolab {

/// Node voltages of a netlist simulated by ngspice: rows (t, v_1, v_2, ...).
using NgspiceRows = std::vector<std::vector<double>>;

/// Runs `ngspice -b -n` on the netlist text (which must end with .end and
/// hold a .tran card) in `directory`, with a control block that runs it at
/// reltol 1e-7 and writes the voltages of `nodes`. Throws SolverError naming
/// the log file when ngspice is missing, fails or writes no data.
NgspiceRows RunNgspice(const std::string& netlist_text, const std::vector<std::string>& nodes,
                       const std::filesystem::path& directory);

}  // namespace echolab
