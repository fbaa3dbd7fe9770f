#include "sims/config/circuit_problem.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "circuits/netlist_parser.h"
#include "circuits/waveform_file.h"
#include "common/error.h"
#include "physics/integrator.h"
#include "physics/lower_case.h"

namespace echolab {

namespace {

// Indices in θ of the trained elements, in the order given.
std::vector<int> TrainedIndices(const CircuitHamiltonian& circuit,
                                const std::vector<std::string>& train, const std::string& option) {
  const auto& names = circuit.parameter_names();
  std::vector<int> indices;
  for (const std::string& element : train) {
    const auto it = std::find(names.begin(), names.end(), Lower(element));
    if (it == names.end()) {
      throw InputError(
          fmt::format("{}: '{}' is not a trainable element of the netlist; expected some of {}",
                      option, element, fmt::join(names, ", ")));
    }
    indices.push_back(static_cast<int>(it - names.begin()));
  }
  if (indices.empty()) throw InputError(option + ": expected at least one element name");
  return indices;
}

// Re-throws an InputError of `build` with the field's name in front.
template <typename Build>
auto Named(const std::string& field, const Build& build) {
  try {
    return build();
  } catch (const InputError& error) {
    throw InputError(fmt::format("{}: {}", field, error.what()));
  }
}

std::shared_ptr<const Loss> NodeVoltageLoss(std::shared_ptr<const CircuitHamiltonian> circuit,
                                            const CircuitProblemSpec& spec,
                                            const CircuitOptionNamer& name) {
  const std::string output = name("output", "output_node");
  const int index = Named(output, [&] { return circuit->NodeIndex(Lower(spec.output_node)); });
  if (index < 0) throw InputError(output + ": the ground node has no voltage to fit");
  if (circuit->IsAlgebraic(index)) throw InputError(output + ": " + kAlgebraicReadoutRefusal);
  WaveformSamples samples =
      Named(name("target", "target"), [&] { return ReadWaveformCsv(spec.target_csv); });
  InputSignal target(
      {{std::make_shared<SampledWaveform>(std::move(samples.times_s), std::move(samples.values),
                                          spec.target_interpolation),
        Parity::kEven}});
  return std::make_shared<TrackingLoss>(
      std::make_shared<VelocityReadout>(std::move(circuit), std::vector<int>{index}), target,
      Vector::Ones(1), Vector::Zero(1), Vector::Zero(1));
}

void CheckSpec(const CircuitProblemSpec& spec, const CircuitOptionNamer& name) {
  if (spec.output_node.empty()) {
    throw InputError(name("output", "output_node") + ": a node name is required");
  }
  if (spec.target_csv.empty()) {
    throw InputError(name("target", "target") + ": a CSV file (t,y) is required");
  }
  if (!(spec.duration_s > 0.0) || !std::isfinite(spec.duration_s)) {
    throw InputError(fmt::format("{}: expected a positive time in s, got {}",
                                 name("duration", "duration_s"), spec.duration_s));
  }
  if (!(spec.step_s >= 0.0) || !std::isfinite(spec.step_s)) {
    throw InputError(fmt::format("{}: expected a positive time in s, got {}",
                                 name("step", "step_s"), spec.step_s));
  }
  const std::vector<std::string> schemes = CompositionSchemeNames();
  if (std::find(schemes.begin(), schemes.end(), spec.scheme) == schemes.end()) {
    throw InputError(fmt::format(
        "{}: unknown scheme '{}', expected one of {} (the symmetric fixed-step schemes that the "
        "echo replays step by step)",
        name("scheme", "scheme"), spec.scheme, fmt::join(schemes, ", ")));
  }
  if (!(spec.node_capacitance_F >= 0.0) || !std::isfinite(spec.node_capacitance_F)) {
    throw InputError(fmt::format("{}: expected a capacitance >= 0 in F, got {}",
                                 name("node-capacitance", "node_capacitance_F"),
                                 spec.node_capacitance_F));
  }
  for (const auto& [key, value] : {std::pair{"rtol", spec.rtol}, std::pair{"atol", spec.atol}}) {
    if (!(value > 0.0 && value < 1.0)) {
      throw InputError(fmt::format(
          "{}: expected a tolerance between 0 and 1 (relative to each quantity's scale), got {}",
          name(key, key), value));
    }
  }
}

}  // namespace

std::string CommandLineOption(std::string_view option, std::string_view /*key*/) {
  return fmt::format("--{}", option);
}

CircuitProblem BuildCircuitProblem(const CircuitProblemSpec& spec, const CircuitOptionNamer& name) {
  CheckSpec(spec, name);
  const Netlist netlist = ParseNetlistFile(spec.netlist_path);
  CircuitProblem built;
  built.circuit = std::make_shared<const CircuitHamiltonian>(
      netlist, CircuitOptions{.node_capacitance_F = spec.node_capacitance_F});
  built.title = netlist.title;
  built.netlist = netlist;
  const CircuitHamiltonian& circuit = *built.circuit;
  built.trained = TrainedIndices(circuit, spec.train, name("train", "train"));
  for (int index : built.trained) built.trained_names.push_back(circuit.parameter_names()[index]);

  GradientProblem& problem = built.problem;
  problem.forward.system = built.circuit.get();
  problem.forward.theta = circuit.netlist_parameters();
  problem.forward.input = circuit.Inputs();
  problem.forward.initial_state = circuit.InitialState(netlist);
  problem.forward.duration_s = spec.duration_s;
  problem.forward.dissipation = circuit.ResistiveDissipation();
  problem.loss = NodeVoltageLoss(built.circuit, spec, name);
  problem.integrator.scheme = spec.scheme;
  problem.integrator.step_s = spec.step_s > 0.0 ? spec.step_s : spec.duration_s / 10000.0;
  // Circuit quantities are small and far apart in SI units (charges ~1e-18 C,
  // losses ~1e-19 V² s): atol is relative to the scales of each.
  problem.integrator.rtol = spec.rtol;
  problem.integrator.atol = spec.atol;
  // The scales come from one forward pass: a step at which the circuit runs
  // away (or longer than the pass) is the spec's fault, refused before any
  // gradient runs.
  try {
    problem.scales = MeasureProblemScales(problem);
  } catch (const SolverError& error) {
    throw InputError(fmt::format("{}: the forward pass at a step of {:.6g} s failed ({}); expected "
                                 "a step that resolves the circuit's fastest mode",
                                 name("step", "step_s"), problem.integrator.step_s, error.what()));
  }
  return built;
}

double DefaultCircuitBeta(const CircuitProblem& problem) {
  return 1e-4 * problem.circuit->SmallestCapacitance(problem.problem.forward.theta);
}

Vector Entries(const Vector& gradient, const std::vector<int>& indices) {
  Vector entries(static_cast<Eigen::Index>(indices.size()));
  for (size_t k = 0; k < indices.size(); ++k) {
    entries[static_cast<Eigen::Index>(k)] = gradient.size() ? gradient[indices[k]] : 0.0;
  }
  return entries;
}

GradientResult RestrictedToEntries(GradientResult result, const std::vector<int>& indices) {
  result.dL_dtheta = Entries(result.dL_dtheta, indices);
  ReadoutCost& readout = result.cost.readout;
  if (readout.max_abs_integrand.size() > 0) {
    readout.max_abs_integrand = Entries(readout.max_abs_integrand, indices);
    readout.min_abs_integrand = Entries(readout.min_abs_integrand, indices);
    readout.mean_abs_integrand = Entries(readout.mean_abs_integrand, indices);
  }
  return result;
}

}  // namespace echolab
