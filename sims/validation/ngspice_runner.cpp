#include "sims/validation/ngspice_runner.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/output_file.h"

namespace echolab {

namespace fs = std::filesystem;

NgspiceRows RunNgspice(const std::string& netlist_text, const std::vector<std::string>& nodes,
                       const fs::path& directory) {
  std::string vectors;
  for (const std::string& node : nodes) vectors += " v(" + node + ")";
  const fs::path data = directory / "ngspice.dat";
  const fs::path log = directory / "ngspice.log";
  std::string text = netlist_text;
  const size_t end = text.rfind(".end");
  if (end == std::string::npos) throw InputError("ngspice: the netlist has no .end card");
  // trap integration (ngspice's default), one shared time column, named columns.
  text.replace(end, 4,
               fmt::format(".control\nset wr_singlescale\nset wr_vecnames\n"
                           "option numdgt=12 reltol=1e-7\nrun\nwrdata {}{}\nquit\n.endc\n.end",
                           data.string(), vectors));
  const fs::path input = directory / "ngspice.cir";
  WriteFileAtomically(input, text);
  fs::remove(data);
  const std::string command =
      fmt::format("ngspice -b -n '{}' > '{}' 2>&1", input.string(), log.string());
  if (std::system(command.c_str()) != 0 || !fs::exists(data)) {
    throw SolverError(fmt::format(
        "ngspice failed or wrote no data (is it installed? scripts/setup.sh installs it); see {}",
        log.string()));
  }
  std::ifstream stream(data);
  NgspiceRows rows;
  std::string line;
  std::getline(stream, line);  // header
  while (std::getline(stream, line)) {
    std::istringstream fields(line);
    std::vector<double> row;
    for (double value; fields >> value;) row.push_back(value);
    if (row.size() == nodes.size() + 1) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace echolab
