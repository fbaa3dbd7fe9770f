#include "circuits/netlist_checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "physics/error.h"
#include "physics/memory_budget.h"

namespace echolab {
namespace {

// Dense N x N matrices a circuit run holds at once (an estimate, generous
// rather than tight), of 8 bytes each.
constexpr double kDenseMatricesPerRun = 16.0;

void CheckMemory(const Netlist& netlist, size_t free_nodes) {
  const double n = static_cast<double>(free_nodes);
  MemoryBudget::Check(8.0 * kDenseMatricesPerRun * n * n, netlist.source_file,
                      fmt::format("a circuit of {} nodes (its dense capacitance and conductance "
                                  "matrices)",
                                  free_nodes));
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

void CheckCapacitorPaths(const Netlist& netlist, const std::vector<std::string>& free_nodes) {
  NodeSets sets;
  sets.Id("0");
  const auto is_free = [&](const std::string& node) {
    return std::find(free_nodes.begin(), free_nodes.end(), node) != free_nodes.end();
  };
  for (const Element& element : netlist.elements) {
    for (const std::string& node : element.nodes) {
      if (!is_free(node)) sets.Join(node, "0");  // ground or driven
    }
    if (IsCapacitor(element)) sets.Join(element.nodes[0], element.nodes[1]);
  }
  std::vector<std::string> floating;
  for (const std::string& node : free_nodes) {
    if (sets.Root(sets.Id(node)) != sets.Root(sets.Id("0"))) floating.push_back(node);
  }
  if (floating.empty()) return;
  const Element& first = FirstUse(netlist, floating.front());
  throw InputError(fmt::format(
      "{}: node(s) {} (first used by {} here) have no path of capacitors to ground or to a node "
      "that a voltage source drives, so the capacitance matrix is singular (a node without "
      "capacitance has no dynamics of its own); add a capacitor from {} to ground (a small "
      "parasitic one will do), or connect the nodes to one that has it",
      LocationOf(netlist, first), fmt::join(floating, ", "), first.name, floating.front()));
}

}  // namespace

void CheckNetlistSubstrate(const Netlist& netlist, const std::vector<std::string>& free_nodes) {
  CheckMemory(netlist, free_nodes.size());
  CheckCapacitorPaths(netlist, free_nodes);
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
  return fmt::format("{}:{}:{}", netlist.source_file, element.location.line,
                     element.location.column);
}

}  // namespace echolab
