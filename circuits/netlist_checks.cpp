#include "circuits/netlist_checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/error.h"
#include "physics/memory_budget.h"

namespace echolab {
namespace {

// Doubles a circuit run holds per free node and per element in its sparse
// matrices, their factors (a 2-D lattice's fill-in included) and the pass's
// state vectors: an estimate, generous rather than tight.
constexpr double kDoublesPerNode = 400.0;
constexpr double kDoublesPerElement = 40.0;

void CheckMemory(const Netlist& netlist, size_t free_nodes) {
  const double n = static_cast<double>(free_nodes);
  std::set<std::string> resistor_nodes;
  for (const Element& element : netlist.elements) {
    if (element.kind == ElementKind::kResistor) {
      resistor_nodes.insert(element.nodes.begin(), element.nodes.end());
    }
  }
  // The exact damping flow holds three dense s × s blocks over the s nodes
  // that resistors touch (FrictionFlow), and its 2s × 2s exponential.
  const double s = static_cast<double>(resistor_nodes.size());
  const double doubles = kDoublesPerNode * n +
                         kDoublesPerElement * static_cast<double>(netlist.elements.size()) +
                         16.0 * s * s;
  MemoryBudget::Check(8.0 * doubles, netlist.source_file,
                      fmt::format("a circuit of {} nodes and {} elements (its sparse matrices and "
                                  "factors, and the exact damping over {} resistor nodes)",
                                  free_nodes, netlist.elements.size(), resistor_nodes.size()));
}

// Union-find over node names; ground and the driven nodes are one set.
class NodeSets {
 public:
  int Id(const std::string& name) {
    const auto [it, inserted] = ids_.emplace(name, static_cast<int>(parent_.size()));
    if (inserted) parent_.push_back(it->second);
    return it->second;
  }
  int Root(int id) {
    while (parent_[id] != id) id = parent_[id] = parent_[parent_[id]];
    return id;
  }
  void Join(const std::string& a, const std::string& b) { parent_[Root(Id(a))] = Root(Id(b)); }

 private:
  std::map<std::string, int> ids_;
  std::vector<int> parent_;
};

bool IsCapacitor(const Element& element) {
  return element.kind == ElementKind::kCapacitor || element.kind == ElementKind::kVaractor;
}

// The first element that touches `node`.
const Element& FirstUse(const Netlist& netlist, const std::string& node) {
  for (const Element& element : netlist.elements) {
    for (const std::string& terminal : element.nodes) {
      if (terminal == node) return element;
    }
  }
  return netlist.elements.front();
}

}  // namespace

std::vector<std::string> NodesWithoutCapacitance(const Netlist& netlist,
                                                 const std::vector<std::string>& free_nodes) {
  NodeSets sets;
  sets.Id("0");
  const std::set<std::string> free(free_nodes.begin(), free_nodes.end());
  for (const Element& element : netlist.elements) {
    for (const std::string& node : element.nodes) {
      if (!free.contains(node)) sets.Join(node, "0");  // ground or driven
    }
    if (IsCapacitor(element)) sets.Join(element.nodes[0], element.nodes[1]);
  }
  std::vector<std::string> floating;
  for (const std::string& node : free_nodes) {
    if (sets.Root(sets.Id(node)) != sets.Root(sets.Id("0"))) floating.push_back(node);
  }
  return floating;
}

void CheckNetlistSubstrate(const Netlist& netlist, const std::vector<std::string>& free_nodes,
                           double node_capacitance_F,
                           const std::vector<std::string>& algebraic_nodes) {
  CheckMemory(netlist, free_nodes.size());
  if (node_capacitance_F > 0.0) return;
  std::vector<std::string> floating = NodesWithoutCapacitance(netlist, free_nodes);
  std::erase_if(floating, [&](const std::string& node) {
    return std::find(algebraic_nodes.begin(), algebraic_nodes.end(), node) !=
           algebraic_nodes.end();
  });
  if (floating.empty()) return;
  const Element& first = FirstUse(netlist, floating.front());
  throw InputError(fmt::format(
      "{}: node(s) {} (first used by {} here) have no path of capacitors to ground or to a node "
      "that a voltage source drives, so the capacitance matrix is singular, and cannot be solved "
      "from Kirchhoff's law either (that needs resistors from the node to ground or to a driven "
      "node, and no capacitor, junction or resistor to a charged node on it); add a capacitor "
      "from {} to ground, or run with --node-capacitance C (a parasitic capacitance C in F from "
      "every such node to ground, e.g. --node-capacitance 1e-15)",
      LocationOf(netlist, first), fmt::join(floating, ", "), first.name, floating.front()));
}

std::string DescribeCouplings(const Netlist& netlist) {
  std::vector<std::string> couplings;
  for (const Element& element : netlist.elements) {
    if (element.kind == ElementKind::kMutualInductance) {
      couplings.push_back(fmt::format("{} (line {})", element.name, element.location.line));
    }
  }
  return fmt::format("{}", fmt::join(couplings, ", "));
}

std::string LocationOf(const Netlist& netlist, const Element& element) {
  return fmt::format("{}:{}:{}", element.file.empty() ? netlist.source_file : element.file,
                     element.location.line, element.location.column);
}

}  // namespace echolab
