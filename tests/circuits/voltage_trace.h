#pragma once

// Node voltages of a netlist simulated by echolab, and their largest
// deviation from ngspice's on the same (or an equivalent) netlist.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/node_voltmeter.h"
#include "physics/integrator.h"
#include "sims/validation/ngspice_runner.h"

namespace echolab {

// The node voltages v(t) of a pass sampled every step.
struct VoltageTrace {
  std::vector<double> times_s;
  std::vector<Vector> voltages_V;
};

inline VoltageTrace SimulateVoltages(const Netlist& netlist, double duration_s, double step_s) {
  const CircuitHamiltonian circuit(netlist);
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .input = circuit.Inputs(),
                            .initial_state = circuit.InitialState(netlist),
                            .duration_s = duration_s,
                            .dissipation = circuit.ResistiveDissipation()};
  IntegratorOptions options;
  options.scheme = "yoshida4";
  options.step_s = step_s;
  VoltageTrace trace;
  NodeVoltmeter voltmeter(circuit, problem);
  const Trajectory run = Simulate(problem, options, [&](double t, const PhaseState& x) {
    trace.times_s.push_back(t);
    trace.voltages_V.push_back(voltmeter.At(t, x));
  });
  EXPECT_TRUE(run.ok()) << run.BriefReport();
  return trace;
}

// Linear interpolation of node `i` of the trace at time t.
inline double VoltageAt(const VoltageTrace& trace, int i, double t_s) {
  const auto upper = std::upper_bound(trace.times_s.begin(), trace.times_s.end(), t_s);
  if (upper == trace.times_s.begin()) return trace.voltages_V.front()[i];
  if (upper == trace.times_s.end()) return trace.voltages_V.back()[i];
  const size_t k = static_cast<size_t>(upper - trace.times_s.begin());
  const double w = (t_s - trace.times_s[k - 1]) / (trace.times_s[k] - trace.times_s[k - 1]);
  return (1.0 - w) * trace.voltages_V[k - 1][i] + w * trace.voltages_V[k][i];
}

// The largest difference of the node voltages between ngspice and echolab
// (yoshida4, by default at 1 ps), and ngspice's peak.
struct NgspiceAgreement {
  double worst_V = 0.0;
  double peak_V = 0.0;
  size_t samples = 0;
};

// Runs `ngspice_text` in ngspice (in `directory`, where relative .include
// paths resolve) and `netlist` in echolab for `duration_s` at `step_s`, and
// compares the voltages of `nodes` (echolab's linearly interpolated, which
// costs (ω step)² / 8 of the peak: the step must be fine for fast circuits).
inline NgspiceAgreement CompareWithNgspice(const Netlist& netlist, const std::string& ngspice_text,
                                           const std::vector<std::string>& nodes,
                                           double duration_s,
                                           const std::filesystem::path& directory,
                                           double step_s = 1e-12) {
  const CircuitHamiltonian circuit(netlist);
  const NgspiceRows spice = RunNgspice(ngspice_text, nodes, directory);
  const VoltageTrace ours = SimulateVoltages(netlist, duration_s, step_s);
  NgspiceAgreement agreement;
  agreement.samples = spice.size();
  for (const auto& row : spice) {
    for (size_t n = 0; n < nodes.size(); ++n) {
      const double theirs = row[n + 1];
      agreement.peak_V = std::max(agreement.peak_V, std::abs(theirs));
      agreement.worst_V = std::max(
          agreement.worst_V,
          std::abs(VoltageAt(ours, circuit.NodeIndex(nodes[n]), row[0]) - theirs));
    }
  }
  return agreement;
}

}  // namespace echolab
