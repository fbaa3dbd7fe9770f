#pragma once

#include <string>

#include "sims/commands/circuit_gradcheck.h"

namespace echolab {

struct GradcheckArguments {
  std::string config_path;
  /// Output directory; empty means out/gradcheck/<config file stem>.
  std::string output_dir;
  /// Print the JSON report on stdout instead of the table.
  bool json = false;
  /// Replace an existing output folder even if echolab did not write it.
  bool force = false;
  bool quiet = false;
  /// What to differentiate when config_path is a netlist (a configuration
  /// says it in its tables).
  NetlistGradcheckOptions netlist;
};

/// `echolab gradcheck CONFIG.toml` (or NETLIST.cir, circuit_gradcheck.h):
/// every chosen gradient method on one problem. Prints a table
/// (per-parameter gradients, relative error and cosine similarity against the
/// reference, passes, steps, wall time, peak memory) and writes
/// gradcheck.json. Returns 0, or 1 when a method failed. A configuration with
/// a [task] table compares RHEL and BPTT on a Hamiltonian SSM instead
/// (hssm_gradcheck.h).
int RunGradcheck(const GradcheckArguments& arguments);

}  // namespace echolab
