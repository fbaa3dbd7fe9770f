#pragma once

#include <filesystem>
#include <memory>

#include "circuits/circuit_hamiltonian.h"
#include "learning/gradient_method.h"
#include "sims/validation/validation_check.h"

namespace echolab {

/// The LC ladder of the circuit studies: three sections with a mutual
/// inductance, driven by a 10 mA sine current at 60 MHz.
std::shared_ptr<const CircuitHamiltonian> LadderCircuit();

/// Its gradient problem: L = ∫_0^40ns ½ (v(n3) - 0.2 V sin(2π 50 MHz t))² dt
/// from rest, yoshida4 at 4 ps; `circuit` must outlive the problem.
GradientProblem LadderProblem(std::shared_ptr<const CircuitHamiltonian> circuit);

/// (e) Per-element gradients of a node-voltage loss on an LC ladder (with a
/// mutual inductance, driven by a sine current): echo, CVODES adjoint and
/// finite differences. Writes parameters_lc_ladder.csv.
ValidationCheck CircuitGradientStudy(const std::filesystem::path& dir);

/// (f) The same ladder simulated by echolab and by ngspice: node voltages
/// overlaid. Writes ngspice_lc_ladder.csv (ngspice's own files go to a
/// sub-directory). A missing ngspice makes the check fail, not the report.
ValidationCheck CircuitNgspiceStudy(const std::filesystem::path& dir);

}  // namespace echolab
