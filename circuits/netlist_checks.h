#pragma once

#include <string>
#include <vector>

#include "circuits/netlist.h"

namespace echolab {

/// Checks, before the node-flux substrate of `netlist` is built, what would
/// otherwise fail later without a location. `free_nodes` are the nodes that
/// are states (not ground, not driven by a voltage source). Throws InputError
/// "FILE:LINE:COLUMN: ..." naming the elements and nodes involved:
///   - memory: the sparse matrices and factors over the free nodes (a
///     generous allowance per node and element; dense ones for a tiny circuit)
///     and the exact damping flow's dense block over the resistors' nodes
///     must fit in MemoryBudget;
///   - unless `node_capacitance_F` > 0 (a parasitic capacitance for them),
///     every free node that is not algebraic (`algebraic_nodes`, solved from
///     Kirchhoff's law: AlgebraicNodes) needs a path of capacitors to ground
///     or to a driven node, else the capacitance matrix is singular; the
///     message names the nodes and the --node-capacitance option.
void CheckNetlistSubstrate(const Netlist& netlist, const std::vector<std::string>& free_nodes,
                           double node_capacitance_F,
                           const std::vector<std::string>& algebraic_nodes);

/// The free nodes without a path of capacitors to ground or to a driven node.
std::vector<std::string> NodesWithoutCapacitance(const Netlist& netlist,
                                                 const std::vector<std::string>& free_nodes);

/// The K cards of the netlist, "K1 (line 5), K2 (line 6)", for the message of
/// an inductance matrix that their couplings make indefinite.
std::string DescribeCouplings(const Netlist& netlist);

/// "FILE:LINE:COLUMN" of an element, in its own file (the netlist or a file
/// that it includes).
std::string LocationOf(const Netlist& netlist, const Element& element);

}  // namespace echolab
