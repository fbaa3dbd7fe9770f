#pragma once

#include <string>

#include "learning/hardware_cost.h"

namespace echolab {

/// One method's HardwareCost as one line for the terminal, the parts that apply:
///   "3 hardware passes (2 flips, 1 reset), physical time 24 s; energy: inputs 1.39 J,
///    nudges 3e-07 J, dissipated 0.243 J, flips 0 J; read-out: 1600 samples per parameter,
///    13.1 bits; computer: 1.2e+05 flops, 0.165 MB"
/// (energy when measured, read-out when an accumulator samples, computer when the method
/// counted model evaluations). `time_unit` names the unit of the times ("s", or "steps"
/// for an HSSM).
std::string HardwareCostLine(const HardwareCost& cost, const HardwareTiming& timing,
                             const std::string& time_unit = "s");

}  // namespace echolab
