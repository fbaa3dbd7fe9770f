#pragma once

#include "sims/commands/simulate_command.h"
#include "sims/commands/simulation_run.h"

namespace echolab {

/// `echolab simulate NETLIST.cir`, prepared: the netlist's .tran with the
/// node-flux substrate (yoshida4 at the smaller of tstep and tmax, divided
/// so that the fastest mode has ω_max h ≤ 1 where it can be computed), from the
/// initial conditions of its elements (as SPICE's uic); its results are
/// voltages.csv (t_s, then the voltage of every node to ground in V from
/// tstart on), meta.json and voltages.png. With a temperature, the resistors
/// add their Johnson-Nyquist noise (2 kB T / R) and the pass runs baoab at
/// the same step. Bad input throws InputError.
SimulationRun PrepareNetlistSimulation(const SimulateArguments& arguments);

}  // namespace echolab
