#include "circuits/driven_nodes.h"

#include <fmt/format.h>

#include <algorithm>

#include "circuits/netlist_checks.h"
#include "common/error.h"

namespace echolab {
namespace {

[[noreturn]] void Refuse(const Netlist& netlist, const Element& element,
                         const std::string& problem) {
  throw InputError(
      fmt::format("{}: voltage source '{}': {}", LocationOf(netlist, element), element.name, problem));
}

void CheckSmooth(const Netlist& netlist, const Element& source, const SpiceWaveform& waveform) {
  const auto* pulse = dynamic_cast<const PulseWaveform*>(&waveform);
  if (pulse != nullptr && pulse->HasJumps()) {
    Refuse(netlist, source,
           "PULSE with a zero rise or fall time; expected tr > 0 and tf > 0 (a jump of the "
           "source voltage is an impulse of current through the capacitors next to it)");
  }
}

// Every driven node must be a terminal of some element other than the source that drives it.
void CheckEachDrivesSomething(const Netlist& netlist, const std::vector<const Element*>& sources,
                              const DrivenNodes& driven) {
  for (const DrivenNode& node : driven.nodes) {
    const Element* own = sources[static_cast<size_t>(node.terms.back().first)];
    const bool touched =
        std::any_of(netlist.elements.begin(), netlist.elements.end(), [&](const Element& element) {
          return &element != own && std::find(element.nodes.begin(), element.nodes.end(),
                                              node.name) != element.nodes.end();
        });
    if (touched) continue;
    Refuse(netlist, *own,
           fmt::format("node '{}' connects to nothing else (a source in series with nothing); "
                       "expected an element at the driven node",
                       node.name));
  }
}

}  // namespace

int DrivenNodes::Find(const std::string& name) const {
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (nodes[n].name == name) return static_cast<int>(n);
  }
  return -1;
}

DrivenNodes ResolveDrivenNodes(const Netlist& netlist) {
  DrivenNodes driven;
  std::vector<const Element*> sources;
  for (const Element& element : netlist.elements) {
    if (element.kind != ElementKind::kVoltageSource) continue;
    sources.push_back(&element);
    driven.waveforms.push_back(element.waveform->MakeWaveform());
    CheckSmooth(netlist, element, *driven.waveforms.back());
  }
  // The terms of a fixed node: none for ground, the chain for a driven node.
  const auto fixed = [&](const std::string& node) -> const std::vector<std::pair<int, double>>* {
    static const std::vector<std::pair<int, double>> kGround;
    if (node == "0") return &kGround;
    const int n = driven.Find(node);
    return n < 0 ? nullptr : &driven.nodes[static_cast<size_t>(n)].terms;
  };
  std::vector<bool> placed(sources.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t s = 0; s < sources.size(); ++s) {
      if (placed[s]) continue;
      const Element& source = *sources[s];
      const auto* plus = fixed(source.nodes[0]);
      const auto* minus = fixed(source.nodes[1]);
      if (plus != nullptr && minus != nullptr) {
        Refuse(netlist, source,
               "both terminals are already fixed by ground or other voltage sources (a loop of "
               "voltage sources); expected one terminal free");
      }
      if (plus == nullptr && minus == nullptr) continue;
      // Φ_n+ = Φ_n- + ∫V or Φ_n- = Φ_n+ - ∫V.
      DrivenNode node{.name = source.nodes[plus == nullptr ? 0 : 1],
                      .terms = plus == nullptr ? *minus : *plus,
                      .driven_by = fmt::format("{} ({})", source.name, LocationOf(netlist, source))};
      node.terms.emplace_back(static_cast<int>(s), plus == nullptr ? 1.0 : -1.0);
      driven.nodes.push_back(std::move(node));
      placed[s] = progress = true;
    }
  }
  for (size_t s = 0; s < sources.size(); ++s) {
    if (placed[s]) continue;
    Refuse(netlist, *sources[s],
           "between two nodes that neither ground nor another voltage source fixes; expected "
           "one terminal at ground or at a node driven by another voltage source");
  }
  CheckEachDrivesSomething(netlist, sources, driven);
  return driven;
}

}  // namespace echolab
