#pragma once

#include "sims/commands/simulate_command.h"

namespace echolab {

/// `echolab simulate NETLIST.cir`: runs the netlist's .tran with the
/// node-flux substrate (yoshida4 at the smaller of tstep and tmax, divided
/// so that the fastest mode has ω_max h ≤ 1 where it can be computed), from the
/// initial conditions of its elements (as SPICE's uic), and writes
/// voltages.csv (t_s, then the voltage of every node to ground in V from
/// tstart on), meta.json and voltages.png, all or nothing. With a
/// temperature, the resistors add their Johnson-Nyquist noise (2 kB T / R)
/// and the pass runs baoab at the same step. Returns 0, or 1 when the
/// integration failed; bad input throws InputError.
int RunCircuitSimulate(const SimulateArguments& arguments);

}  // namespace echolab
