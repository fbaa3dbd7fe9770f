#pragma once

#include <string>
#include <vector>

#include "sims/config/circuit_problem.h"

namespace echolab {

/// `echolab gradcheck NETLIST.cir --train C1,L1 --output NODE --target
/// TARGET.csv --duration T`: the gradient of the node-voltage loss of
/// CircuitProblemSpec with respect to the named element values, per SI unit,
/// by every chosen method, from the elements' initial conditions (as
/// `simulate` starts).
struct CircuitGradcheckArguments {
  CircuitProblemSpec problem;
  /// Nudging strength in F; 0 means DefaultCircuitBeta (1e-4 × the smallest
  /// capacitance).
  double beta = 0.0;
  std::vector<std::string> methods = {"echo", "adjoint", "fd"};
  std::string output_dir;  // empty: out/gradcheck/<netlist stem>
  bool json = false;
  /// Replace an existing output folder even if echolab did not write it.
  bool force = false;
  bool quiet = false;
  /// Wall-time budget (s) of the methods, 0 for none: checked after each
  /// method (a running method is not interrupted); when it is spent, the
  /// methods left are skipped, named, and the run fails (exit 1).
  double time_budget_s = 0.0;
};

/// Returns 0, or 1 when a method failed; bad input throws InputError.
int RunCircuitGradcheck(const CircuitGradcheckArguments& arguments);

/// True for the file names that `echolab gradcheck` reads as netlists
/// (.cir, .net, .sp, .spice), and for "-" (standard input) when the text has
/// dot cards (.tran, .end, ...), which a TOML configuration never has.
bool IsNetlistPath(const std::string& path);

}  // namespace echolab
