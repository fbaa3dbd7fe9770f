#pragma once

#include <string>
#include <vector>

#include "sims/commands/gradcheck_setup.h"
#include "sims/config/circuit_problem.h"

namespace echolab {

/// What `echolab gradcheck NETLIST.cir --train C1,L1 --output NODE --target
/// TARGET.csv --duration T` says on the command line: the node-voltage loss
/// of CircuitProblemSpec, differentiated with respect to the named element
/// values, per SI unit, by every chosen method, from the elements' initial
/// conditions (as `simulate` starts).
struct NetlistGradcheckOptions {
  CircuitProblemSpec problem;  // its netlist_path is the command's file
  /// Nudging strength in F; 0 means DefaultCircuitBeta (1e-4 × the smallest
  /// capacitance).
  double beta = 0.0;
  std::vector<std::string> methods = {"echo", "adjoint", "fd"};
  /// GradcheckSetup::time_budget_s.
  double time_budget_s = 0.0;
};

/// The gradient check of a netlist, prepared; the report also gets the
/// adjoint's tolerances, and the output folder the netlist as circuit.cir.
/// Bad input throws InputError. Warnings of the netlist are printed unless
/// `quiet`.
GradcheckSetup PrepareNetlistGradcheck(NetlistGradcheckOptions options, bool quiet);

}  // namespace echolab
