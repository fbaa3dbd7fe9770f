#include "circuits/netlist_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/error.h"

namespace echolab {
namespace {

std::string Number(double value) { return fmt::format("{:.17g}", value); }

char KindLetter(ElementKind kind) {
  switch (kind) {
    case ElementKind::kResistor:
      return 'r';
    case ElementKind::kInductor:
      return 'l';
    case ElementKind::kCapacitor:
    case ElementKind::kVaractor:
      return 'c';
    case ElementKind::kMutualInductance:
      return 'k';
    case ElementKind::kCurrentSource:
      return 'i';
    case ElementKind::kVoltageSource:
      return 'v';
    case ElementKind::kJosephsonJunction:
      return 'b';
  }
  return '?';
}

// The name as a card starts: "c1" stays, "x1.c3" becomes "c.x1.c3".
std::string CardName(const std::string& name, ElementKind kind) {
  const char letter = KindLetter(kind);
  return !name.empty() && name[0] == letter ? name : fmt::format("{}.{}", letter, name);
}

std::string Waveform(const SourceWaveform& waveform) {
  const std::vector<double>& p = waveform.parameters;
  const auto joined = [](const std::vector<double>& values) {
    std::string text;
    for (double value : values) text += fmt::format("{}{:.17g}", text.empty() ? "" : " ", value);
    return text;
  };
  switch (waveform.kind) {
    case SourceWaveform::Kind::kDc:
      return "DC " + Number(p.at(0));
    case SourceWaveform::Kind::kSin:
      return "SIN(" + joined(p) + ")";
    case SourceWaveform::Kind::kPulse:
      return "PULSE(" + joined(p) + ")";
    case SourceWaveform::Kind::kPwl:
    case SourceWaveform::Kind::kFile:
      break;
  }
  // Four breakpoints a line.
  std::string text = "PWL(";
  for (size_t i = 0; i < waveform.times_s.size(); ++i) {
    text += fmt::format("{}{:.17g} {:.17g}", i == 0 ? "" : (i % 4 == 0 ? "\n+ " : " "),
                        waveform.times_s[i], waveform.values[i]);
  }
  return text + ")";
}

std::string InitialCondition(const Element& element) {
  return element.initial_condition ? fmt::format(" ic={:.17g}", *element.initial_condition) : "";
}

// The charge Q of a varactor at voltage v: the root of Q/C0 + b Q³ = v
// (increasing in Q), by Newton's method from the linear charge C0 v.
double VaractorCharge_C(double c0_F, double b_V_per_C3, double v_V) {
  double q = c0_F * v_V;
  for (int i = 0; i < 100; ++i) {
    const double step = (q / c0_F + b_V_per_C3 * q * q * q - v_V) /
                        (1.0 / c0_F + 3.0 * b_V_per_C3 * q * q);
    q -= step;
    if (std::abs(step) <= 1e-16 * std::abs(q)) break;
  }
  return q;
}

// A varactor as ngspice elements: Vs senses its current, F charges the
// auxiliary capacitor to v(q) = Q / C0, B sets V(Q) = Q/C0 + b Q³.
std::string Varactor(const Element& e) {
  const std::string& n = e.name;
  const double q0 = VaractorCharge_C(e.value, e.cubic_coefficient_V_per_C3,
                                     e.initial_condition.value_or(0.0));
  const std::string c0 = Number(e.value);
  return fmt::format(
      "* varactor {0}: C0 = {1} F, b = {2} V/C^3 (behavioural)\n"
      "v.{0}.sense {3} {0}.plus 0\n"
      "b.{0}.law {0}.plus {4} V = v({0}.q) + {2} * ({1} * v({0}.q)) * ({1} * v({0}.q)) * "
      "({1} * v({0}.q))\n"
      "f.{0}.charge 0 {0}.q v.{0}.sense 1\n"
      "c.{0}.charge {0}.q 0 {1} ic={5}\n"
      "r.{0}.charge {0}.q 0 1e18\n",
      n, c0, Number(e.cubic_coefficient_V_per_C3), e.nodes[0], e.nodes[1], Number(q0 / e.value));
}

// A Josephson junction as ngspice elements: G integrates the branch voltage
// on a capacitor Φ0/2π, so v(phase) = 2π Φ / Φ0; B carries Ic sin(phase).
std::string Junction(const Element& e) {
  const std::string& n = e.name;
  return fmt::format(
      "* Josephson junction {0}: Ic = {1} A (behavioural)\n"
      "g.{0}.phase 0 {0}.phase {2} {3} 1\n"
      "c.{0}.phase {0}.phase 0 {4} ic={5}\n"
      "r.{0}.phase {0}.phase 0 1e18\n"
      "b.{0}.current {2} {3} I = {1} * sin(v({0}.phase))\n",
      n, Number(e.value), e.nodes[0], e.nodes[1],
      Number(kFluxQuantum_Wb / (2.0 * std::numbers::pi)), Number(e.initial_condition.value_or(0.0)));
}

// A junction's voltages are microvolts (Φ0 ≈ 2 fWb over picoseconds) and
// its phase capacitor holds femtocoulombs: far below ngspice's default
// absolute tolerances (vntol 1 µV, abstol 1 pA, chgtol 10 fC), which would
// let the step controller ignore them.
std::string JunctionTolerances(const Netlist& netlist) {
  const bool has_junction =
      std::any_of(netlist.elements.begin(), netlist.elements.end(),
                  [](const Element& e) { return e.kind == ElementKind::kJosephsonJunction; });
  return has_junction ? "* tolerances for the junctions' microvolt signals\n"
                        ".options vntol=1e-15 abstol=1e-20 chgtol=1e-26\n"
                      : "";
}

std::string ElementCard(const Element& e, const Netlist& netlist) {
  const std::string name = CardName(e.name, e.kind);
  const std::string nodes = e.nodes.empty() ? "" : e.nodes[0] + " " + e.nodes[1];
  switch (e.kind) {
    case ElementKind::kResistor:
      return fmt::format("{} {} {}\n", name, nodes, Number(e.value));
    case ElementKind::kInductor:
    case ElementKind::kCapacitor:
      return fmt::format("{} {} {}{}\n", name, nodes, Number(e.value), InitialCondition(e));
    case ElementKind::kMutualInductance: {
      const auto inductor = [&](int i) {
        return CardName(e.coupled_inductors[i], netlist.Find(e.coupled_inductors[i])->kind);
      };
      return fmt::format("{} {} {} {}\n", name, inductor(0), inductor(1), Number(e.value));
    }
    case ElementKind::kCurrentSource:
    case ElementKind::kVoltageSource:
      return fmt::format("{} {} {}\n", name, nodes, Waveform(*e.waveform));
    case ElementKind::kVaractor:
      return Varactor(e);
    case ElementKind::kJosephsonJunction:
      return Junction(e);
  }
  return {};
}

}  // namespace

std::string WriteNetlist(const Netlist& netlist) {
  std::string text = netlist.title + "\n";
  text += fmt::format("* written by echolab from {}\n", netlist.source_file);
  for (const auto& [name, value] : netlist.params) {
    text += fmt::format(".param {} = {}\n", name, Number(value));
  }
  for (const Element& element : netlist.elements) text += ElementCard(element, netlist);
  if (netlist.options.reltol) text += ".options reltol=" + Number(*netlist.options.reltol) + "\n";
  if (netlist.options.abstol_A) {
    text += ".options abstol=" + Number(*netlist.options.abstol_A) + "\n";
  }
  text += JunctionTolerances(netlist);
  if (const std::optional<TranCard>& tran = netlist.tran) {
    text += fmt::format(".tran {} {} {}{} uic\n", Number(tran->step_s), Number(tran->stop_s),
                        Number(tran->start_s),
                        tran->max_step_s ? fmt::format(" {:.17g}", *tran->max_step_s) : "");
  }
  return text + ".end\n";
}

Netlist WithElementValues(Netlist netlist, const std::vector<std::string>& names,
                          const std::vector<double>& values) {
  for (size_t i = 0; i < names.size(); ++i) {
    const auto found = std::find_if(netlist.elements.begin(), netlist.elements.end(),
                                    [&](const Element& e) { return e.name == names[i]; });
    if (found == netlist.elements.end()) {
      throw InputError(fmt::format("{}: no element '{}' to set", netlist.source_file, names[i]));
    }
    found->value = values.at(i);
  }
  return netlist;
}

}  // namespace echolab
