#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "circuits/circuit_hamiltonian.h"
#include "learning/gradient_method.h"
#include "physics/input_signal.h"

namespace echolab {

/// What defines the gradient problem of a netlist: the loss
///
///   L = ∫_0^T ½ (v(NODE, t) - y(t))² dt
///
/// (v the node voltage to ground in V, y interpolated from a CSV with header
/// t,y), its trained element values, the pass and the adjoint's tolerances.
struct CircuitProblemSpec {
  std::string netlist_path;
  std::vector<std::string> train;  // element names, case-insensitive
  std::string output_node;
  std::string target_csv;
  double duration_s = 0.0;
  /// Fixed step of the passes; 0 means T / 10,000.
  double step_s = 0.0;
  /// Between the target's samples: linear caps the loss of the fourth-order
  /// passes at second order in the step (the kinks at the samples), a cubic
  /// spline keeps it at fourth.
  Interpolation target_interpolation = Interpolation::kLinear;
  /// The continuous adjoint's relative tolerance, and its absolute tolerance
  /// as a fraction of each quantity's scale (ProblemScales, measured on a
  /// forward pass): states, loss, λ and dL/dθ each get atol × their scale.
  double rtol = 1e-11;
  double atol = 1e-14;
  /// The fixed-step scheme of the passes (yoshida4, leapfrog, yoshida6, ...).
  std::string scheme = "yoshida4";
  /// Parasitic capacitance (F) for the nodes without one; 0 refuses them
  /// (CircuitOptions::node_capacitance_F).
  double node_capacitance_F = 0.0;
};

/// The gradient problem of a netlist, from the initial conditions of its
/// elements (ic= and phase=, as SPICE's uic and as `simulate` starts), with
/// the resistors as the pass's dissipation, on the spec's scheme, with its
/// scales (GradientProblem::scales) measured on one forward pass.
struct CircuitProblem {
  std::shared_ptr<const CircuitHamiltonian> circuit;  // owns problem.forward.system
  GradientProblem problem;
  std::vector<int> trained;                // indices in θ, in the order asked for
  std::vector<std::string> trained_names;  // lower case
  std::string title;                       // the netlist's first line
  Netlist netlist;                         // as parsed, to write it back
};

/// How a message names a field of the spec: given the command-line option
/// ("output") and the configuration key ("output_node"), the name with its
/// location ("--output", or "run.toml:4:1: circuit.output_node").
using CircuitOptionNamer =
    std::function<std::string(std::string_view option, std::string_view key)>;

/// "--OPTION": the command line's names.
std::string CommandLineOption(std::string_view option, std::string_view key);

/// Parses the netlist and builds the problem. Bad input throws InputError
/// naming the field as `name` does.
CircuitProblem BuildCircuitProblem(const CircuitProblemSpec& spec,
                                   const CircuitOptionNamer& name = CommandLineOption);

/// The nudging strength for a circuit when none is given: 1e-4 × its smallest
/// capacitance. β is measured in farads here (β l with l in V² is an energy),
/// and the echoes' node voltages move by about β / C × (v - y): a ten-
/// thousandth of the read-out error keeps the O(β²) error of a nonlinear
/// circuit (varactors, junctions) near 1e-8, while a linear circuit's echo is
/// exact at any β.
double DefaultCircuitBeta(const CircuitProblem& problem);

/// The given entries of a gradient dL/dθ (zeros when it is empty, as a failed
/// method leaves it).
Vector Entries(const Vector& gradient, const std::vector<int>& indices);

/// The result with dL/dθ and the read-out ranges restricted to the given
/// entries of θ.
GradientResult RestrictedToEntries(GradientResult result, const std::vector<int>& indices);

}  // namespace echolab
