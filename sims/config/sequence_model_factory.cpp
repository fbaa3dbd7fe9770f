#include "sims/config/sequence_model_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <string_view>
#include <utility>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "common/error.h"
#include "learning/hssm/hamiltonian_ssm.h"
#include "learning/training/substrate_sequence_model.h"
#include "physics/integrator.h"
#include "physics/lower_case.h"
#include "physics/memory_budget.h"
#include "sims/config/substrate_config.h"

namespace echolab {
namespace {

// The largest HSSM size (layers, hidden channels, state units) read; memory
// bounds the product further.
constexpr std::int64_t kMaxSsmSize = 1'000'000;

// Indices of the `trained` names among the substrate's parameters (all of
// them when the key is absent).
std::vector<int> TrainedIndices(const ConfigTable& model, const HamiltonianSystem& system) {
  const std::vector<std::string>& names = system.parameter_names();
  std::vector<int> indices;
  if (!model.Has("trained")) {
    for (int k = 0; k < system.num_params(); ++k) indices.push_back(k);
    return indices;
  }
  for (const std::string& name : model.StringArray("trained")) {
    const auto found = std::find(names.begin(), names.end(), Lower(name));
    if (found == names.end()) {
      model.Fail("trained", fmt::format("'{}' is not a parameter of the substrate; expected some "
                                        "of {}",
                                        name, fmt::join(names, ", ")));
    }
    indices.push_back(static_cast<int>(found - names.begin()));
  }
  if (indices.empty()) model.Fail("trained", "expected at least one parameter name");
  return indices;
}

// The keys shared by every substrate model: sampling, input scale, integrator.
void ReadSampling(const ConfigTable& model, SubstrateModelSpec* spec) {
  spec->sample_interval_s = model.PositiveNumber("sample_interval_s");
  spec->input_scale = model.PositiveNumber("input_scale", 1.0);
  spec->integrator.scheme = model.String("scheme", "leapfrog");
  const std::vector<std::string> schemes = CompositionSchemeNames();
  if (std::find(schemes.begin(), schemes.end(), spec->integrator.scheme) == schemes.end()) {
    model.Fail("scheme", fmt::format("expected one of {} (the echo replays a symmetric "
                                     "composition scheme), got '{}'",
                                     fmt::join(schemes, ", "), spec->integrator.scheme));
  }
  spec->integrator.step_s = model.PositiveNumber("step_s", spec->sample_interval_s / 4.0);
  spec->integrator.rtol = model.PositiveNumber("rtol", 1e-8);
  spec->integrator.atol = model.PositiveNumber("atol", 1e-10);
}

void CheckTask(const ConfigTable& model, const TaskData& task, const HamiltonianSystem& system,
               int readouts) {
  const SequenceDataset& data = task.dataset;
  if (data.kind != SequenceTaskKind::kRegression) {
    model.Fail("kind",
               "a substrate model maps waveforms: expected a regression task "
               "(windowed_mean, or a CSV file with targets y...)");
  }
  if (data.input_channels != system.num_inputs()) {
    model.Fail("kind", fmt::format("the task has {} input channel(s), the substrate {} input(s)",
                                   data.input_channels, system.num_inputs()));
  }
  if (data.output_channels != readouts) {
    model.Fail("kind", fmt::format("the task has {} output channel(s), the model {} read-out(s)",
                                   data.output_channels, readouts));
  }
}

// Substrate constructors validate the spec; their messages name the field.
BuiltSequenceModel Finish(const ConfigTable& model, SubstrateModelSpec spec) {
  try {
    std::string description = spec.description;
    return {std::make_unique<SubstrateSequenceModel>(std::move(spec)), std::move(description)};
  } catch (const InputError& error) {
    throw InputError(fmt::format("{}: {}", model.file(), error.what()));
  }
}

BuiltSequenceModel OscillatorNetworkModel(const ConfigTable& model, const TaskData& task) {
  model.RejectUnknownKeys({"kind", "substrate", "trained", "readout", "readout_dof",
                           "sample_interval_s", "input_scale", "scheme", "step_s", "rtol", "atol"});
  const Substrate substrate = BuildSubstrate(model.Table("substrate"));
  SubstrateModelSpec spec{.system = substrate.system, .initial_theta = substrate.theta};
  spec.trained = TrainedIndices(model, *substrate.system);
  std::vector<int> dofs;
  for (long number : model.IntegerArray("readout_dof")) {
    if (number < 1 || number > substrate.system->num_dof()) {
      model.Fail("readout_dof", fmt::format("oscillator {} is outside 1..{}", number,
                                            substrate.system->num_dof()));
    }
    dofs.push_back(static_cast<int>(number - 1));
  }
  const std::string readout = model.String("readout", "position");
  if (readout == "position") {
    spec.readout = std::make_shared<PositionReadout>(substrate.system->num_dof(),
                                                     substrate.system->num_params(), dofs);
  } else if (readout == "velocity") {
    spec.readout = std::make_shared<VelocityReadout>(substrate.system, dofs);
  } else {
    model.Fail("readout", fmt::format("expected position or velocity, got '{}'", readout));
  }
  CheckTask(model, task, *substrate.system, static_cast<int>(dofs.size()));
  ReadSampling(model, &spec);
  spec.output_step = task.output_step;
  spec.description = substrate.description;
  return Finish(model, std::move(spec));
}

BuiltSequenceModel CircuitModel(const ConfigTable& model, const TaskData& task) {
  model.RejectUnknownKeys({"kind", "netlist", "trained", "output_node", "sample_interval_s",
                           "input_scale", "scheme", "step_s", "rtol", "atol"});
  const std::filesystem::path file = model.InputFile("netlist", "netlist file");
  const Netlist netlist = ParseNetlistFile(file.string());
  auto circuit = std::make_shared<const CircuitHamiltonian>(netlist);
  SubstrateModelSpec spec{.system = circuit, .initial_theta = circuit->netlist_parameters()};
  spec.trained = TrainedIndices(model, *circuit);
  const std::string node = Lower(model.String("output_node"));
  int index = -1;
  try {
    index = circuit->NodeIndex(node);
  } catch (const InputError& error) {
    model.Fail("output_node", error.what());
  }
  if (index < 0) model.Fail("output_node", "the ground node has no voltage to fit");
  if (circuit->IsAlgebraic(index)) model.Fail("output_node", kAlgebraicReadoutRefusal);
  spec.readout = std::make_shared<VelocityReadout>(circuit, std::vector<int>{index});
  spec.dissipation = circuit->ResistiveDissipation();
  CheckTask(model, task, *circuit, 1);
  ReadSampling(model, &spec);
  // Circuit states are ~1e-9 in SI units: the absolute tolerance must not swamp them.
  spec.integrator.atol = model.PositiveNumber("atol", 1e-24);
  spec.output_step = task.output_step;
  spec.description = fmt::format("circuit {} ({} nodes), read-out v({})", file.filename().string(),
                                 circuit->num_dof(), node);
  BuiltSequenceModel built = Finish(model, std::move(spec));
  built.netlist = netlist;
  return built;
}

// `step_init` ("normal", or "uniform" as the HSSM paper's code) and `c_init` ("unit", or
// "symmetric" as the paper's code).
HruInitialisation HruInitialisationOf(const ConfigTable& model) {
  const std::string step_init = model.String("step_init", "normal");
  if (step_init != "normal" && step_init != "uniform") {
    model.Fail("step_init", "expected normal or uniform");
  }
  const std::string c_init = model.String("c_init", "unit");
  if (c_init != "unit" && c_init != "symmetric") model.Fail("c_init", "expected unit or symmetric");
  return {.uniform_step = step_init == "uniform", .symmetric_scale = c_init == "symmetric"};
}

// A Hamiltonian state-space model (docs/hssm.md).
BuiltSequenceModel HssmModel(const ConfigTable& model, const TaskData& task,
                             std::optional<std::uint64_t> seed_override) {
  const HamiltonianSsmConfig config = ReadHssmConfig(model, task, seed_override);
  try {
    auto ssm = std::make_unique<HamiltonianSsm>(config);
    const std::string description = fmt::format(
        "Hamiltonian SSM: {} {} HRU block(s), hidden {}, state {}, {} parameters", config.layers,
        model.String("unit", "linear"), config.hidden, config.state, ssm->Parameters().size());
    return {std::move(ssm), description};
  } catch (const InputError& error) {
    throw InputError(fmt::format("{}: [model] {}", model.file(), error.what()));
  }
}

}  // namespace

HamiltonianSsmConfig ReadHssmConfig(const ConfigTable& model, const TaskData& task,
                                    std::optional<std::uint64_t> seed_override) {
  model.RejectUnknownKeys(
      {"kind", "unit", "layers", "hidden", "state", "step", "seed", "threads", "step_init",
       "c_init", "dropout", "batch_norm", "batch_norm_momentum"});
  const SequenceDataset& data = task.dataset;
  HamiltonianSsmConfig config;
  config.task = data.kind;
  config.input_channels = data.input_channels;
  config.classes = std::max(data.classes, 2);
  config.output_channels = std::max(data.output_channels, 1);
  config.output_step = task.output_step;
  try {
    config.unit = ParseHruKind(model.String("unit", "linear"));
  } catch (const InputError& error) {
    model.Fail("unit", error.what());
  }
  config.layers = static_cast<int>(model.IntegerIn("layers", 1, kMaxSsmSize, config.layers));
  config.hidden = static_cast<int>(model.IntegerIn("hidden", 1, kMaxSsmSize, config.hidden));
  config.state = static_cast<int>(model.IntegerIn("state", 1, kMaxSsmSize, config.state));
  config.step = model.PositiveNumber("step", config.step);
  // 0 selects one thread per hardware thread.
  config.threads = static_cast<int>(model.IntegerIn("threads", 0, 1024, config.threads));
  config.init = HruInitialisationOf(model);
  config.dropout = model.Number("dropout", config.dropout);
  if (!(config.dropout >= 0.0 && config.dropout < 1.0)) {
    model.Fail("dropout", fmt::format("expected a rate in [0, 1), got {}", config.dropout));
  }
  config.batch_norm = model.Boolean("batch_norm", config.batch_norm);
  config.batch_norm_momentum = model.Number("batch_norm_momentum", config.batch_norm_momentum);
  if (!(config.batch_norm_momentum >= 0.0 && config.batch_norm_momentum < 1.0)) {
    model.Fail("batch_norm_momentum",
               fmt::format("expected a momentum in [0, 1), got {}", config.batch_norm_momentum));
  }
  config.seed = seed_override.value_or(model.Seed("seed", config.seed));
  // Each block holds about hidden x (2 hidden + 4 state) weights, and training
  // keeps four copies (values, gradient, Adam's two moments) of 8 bytes.
  const double weights = static_cast<double>(config.layers) * config.hidden *
                         (2.0 * config.hidden + 4.0 * config.state);
  MemoryBudget::Check(32.0 * weights, model.Where("hidden"),
                      fmt::format("an HSSM of {} layers, hidden {}, state {}", config.layers,
                                  config.hidden, config.state));
  return config;
}

BuiltSequenceModel BuildSequenceModel(const ConfigTable& model, const TaskData& task,
                                      std::optional<std::uint64_t> seed) {
  // The model kinds of [model], by name: a new kind is one line here.
  using Builder = std::function<BuiltSequenceModel()>;
  const std::pair<std::string_view, Builder> kinds[] = {
      {"oscillator_network", [&] { return OscillatorNetworkModel(model, task); }},
      {"circuit", [&] { return CircuitModel(model, task); }},
      {"hssm", [&] { return HssmModel(model, task, seed); }},
  };
  const std::string kind = model.String("kind");
  std::vector<std::string_view> names;
  for (const auto& [name, build] : kinds) {
    if (name == kind) return build();
    names.push_back(name);
  }
  model.Fail("kind",
             fmt::format("unknown model '{}', expected one of {}", kind, fmt::join(names, ", ")));
}

}  // namespace echolab
