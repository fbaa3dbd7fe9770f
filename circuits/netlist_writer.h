#pragma once

#include <string>
#include <vector>

#include "circuits/netlist.h"

namespace echolab {

/// The netlist as text that ngspice runs and echolab reads back:
///   - the title, then the top-level .param values (for reference; every
///     value below is written as a number, %.17g);
///   - R, L, C, K, I and V cards with their values, ic= and waveforms (a
///     PWL FILE source as an inline PWL); a flattened element "x1.c3" is
///     written "c.x1.c3", ngspice's own name for it, which echolab reads as
///     "x1.c3";
///   - .options reltol/abstol when the netlist had them, and the .tran card
///     with uic always: echolab starts from the ic= values, and so must ngspice.
/// The echolab-only elements become ngspice behavioural sources, which
/// echolab does not read back (the netlist is then for ngspice only):
///   - a varactor Cv n+ n- C0 nl=b: its charge Q = C0 v(qv) integrates the
///     current of a 0 V sense source on an auxiliary capacitor (F source),
///     and a B source sets V(Q) = Q/C0 + b Q³;
///   - a junction Bj n+ n- icrit=Ic: its phase v(phj) = 2π Φ/Φ0 integrates
///     the branch voltage on an auxiliary capacitor Φ0/2π (G source), and a
///     B source carries I = Ic sin(v(phj)).
std::string WriteNetlist(const Netlist& netlist);

/// The netlist with the values of the named elements replaced (e.g. by
/// trained values, in SI units). Throws InputError for a name that is not
/// an element of the netlist.
Netlist WithElementValues(Netlist netlist, const std::vector<std::string>& names,
                          const std::vector<double>& values);

}  // namespace echolab
