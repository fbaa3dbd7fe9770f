#pragma once

#include <string>
#include <vector>

#include "circuits/netlist.h"

namespace echolab {

/// Checks, before the node-flux substrate of `netlist` is built, what would
/// otherwise fail later without a location. `free_nodes` are the nodes that
/// are states (not ground, not driven by a voltage source). Throws InputError
/// "FILE:LINE:COLUMN: ..." naming the elements and nodes involved:
///   - memory: the dense matrices over the free nodes (capacitance, its
///     inverse and factors, the resistors' conductances and the exact damping
///     flow) must fit in MemoryBudget;
///   - every free node needs a path of capacitors to ground or to a driven
///     node, else the capacitance matrix is singular.
void CheckNetlistSubstrate(const Netlist& netlist, const std::vector<std::string>& free_nodes);

/// The K cards of the netlist, "K1 (line 5), K2 (line 6)", for the message of
/// an inductance matrix that their couplings make indefinite.
std::string DescribeCouplings(const Netlist& netlist);

/// "FILE:LINE:COLUMN" of an element.
std::string LocationOf(const Netlist& netlist, const Element& element);

}  // namespace echolab
