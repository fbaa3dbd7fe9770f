#include "circuits/algebraic_nodes.h"

#include <algorithm>
#include <set>

namespace echolab {
namespace {

bool HoldsCharge(ElementKind kind) {
  return kind == ElementKind::kCapacitor || kind == ElementKind::kVaractor ||
         kind == ElementKind::kJosephsonJunction;
}

bool Touches(const Element& element, const std::string& node) {
  return std::find(element.nodes.begin(), element.nodes.end(), node) != element.nodes.end();
}

}  // namespace

std::vector<std::string> AlgebraicNodes(const Netlist& netlist,
                                        const std::vector<std::string>& free_nodes,
                                        const std::vector<std::string>& without_capacitance) {
  std::set<std::string> candidates;
  for (const std::string& node : without_capacitance) {
    bool has_resistor = false, refused = false;
    for (const Element& element : netlist.elements) {
      if (!Touches(element, node)) continue;
      has_resistor = has_resistor || element.kind == ElementKind::kResistor;
      refused = refused || HoldsCharge(element.kind);
    }
    if (has_resistor && !refused) candidates.insert(node);
  }
  const std::set<std::string> charged = [&] {
    std::set<std::string> nodes(free_nodes.begin(), free_nodes.end());
    for (const std::string& node : without_capacitance) nodes.erase(node);
    return nodes;
  }();
  // Drop a candidate with a resistor to a node that has a charge, or to a
  // dropped candidate, until none is dropped.
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (const Element& element : netlist.elements) {
      if (element.kind != ElementKind::kResistor) continue;
      for (int side = 0; side < 2; ++side) {
        const std::string& node = element.nodes[static_cast<size_t>(side)];
        const std::string& other = element.nodes[static_cast<size_t>(1 - side)];
        const bool other_is_state = charged.contains(other) ||
                                    (std::find(without_capacitance.begin(),
                                               without_capacitance.end(),
                                               other) != without_capacitance.end() &&
                                     !candidates.contains(other));
        if (candidates.contains(node) && other_is_state) {
          candidates.erase(node);
          dropped = true;
        }
      }
    }
  }
  std::vector<std::string> algebraic;
  for (const std::string& node : free_nodes) {
    if (candidates.contains(node)) algebraic.push_back(node);
  }
  return algebraic;
}

}  // namespace echolab
