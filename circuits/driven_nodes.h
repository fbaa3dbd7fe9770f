#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "circuits/netlist.h"

namespace echolab {

/// A node whose voltage a chain of voltage sources prescribes: its flux is
/// Φ_a(t) = Σ_s sign_s ∫_0^t V_s dt' over the sources between it and ground.
struct DrivenNode {
  std::string name;
  /// (index of the voltage source in netlist order, +1 or -1).
  std::vector<std::pair<int, double>> terms;
  /// "v1 (file.cir:4:1)": the source that fixes the node, for messages.
  std::string driven_by;
};

/// The voltage sources of a netlist and the nodes that they drive. A source
/// V n+ n- drives n+ when n- is ground or already driven (Φ_n+ = Φ_n- + ∫V)
/// and n- when n+ is (Φ_n- = Φ_n+ - ∫V), in as many sweeps as the chains
/// need. Throws InputError naming the source's file:line:column for a source
/// whose terminals are both fixed already (a loop of sources, or one across
/// ground), one between two nodes that no chain reaches (a source between
/// two free nodes), a driven node that no other element touches (a source in
/// series with nothing), and a PULSE with a zero rise or fall time (its jump
/// would push a charge impulse C ΔV through the adjacent capacitors).
struct DrivenNodes {
  std::vector<DrivenNode> nodes;
  /// V_s(t) of each voltage source, in netlist order.
  std::vector<std::shared_ptr<const SpiceWaveform>> waveforms;

  /// The index of a driven node, or -1 when the node is not driven.
  int Find(const std::string& name) const;
};

DrivenNodes ResolveDrivenNodes(const Netlist& netlist);

}  // namespace echolab
