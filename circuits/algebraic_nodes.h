#pragma once

#include <string>
#include <vector>

#include "circuits/netlist.h"

namespace echolab {

/// The nodes without capacitance that the substrate solves from Kirchhoff's
/// current law instead of giving them a charge. `without_capacitance` are the
/// free nodes that no path of capacitors joins to ground or to a driven node
/// (NodesWithoutCapacitance), `free_nodes` every state node. A node a of them
/// is algebraic when
///   - no capacitor, varactor or junction touches it,
///   - at least one resistor touches it, and
///   - every resistor at a joins it to ground, to a driven node or to another
///     algebraic node (no resistor between a and a node with a charge),
/// so that in the limit of no capacitance its flux follows the first-order law
///
///   G_AA dΦ_A/dt = -∂V/∂Φ_A = -(Σ_L a_L i_L + the sources' and resistors' injected currents)_A
///
/// (OverdampedDofs), e.g. lc_ladder.cir's n1, between the 50 Ω source resistor
/// and the first inductor: dΦ_n1/dt = V_in - R i_L1. The rest of the nodes
/// without capacitance are returned by none of this (the caller refuses them).
std::vector<std::string> AlgebraicNodes(const Netlist& netlist,
                                        const std::vector<std::string>& free_nodes,
                                        const std::vector<std::string>& without_capacitance);

}  // namespace echolab
