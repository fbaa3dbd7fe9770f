#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "circuits/netlist.h"
#include "learning/hssm/hamiltonian_ssm_config.h"
#include "learning/training/sequence_model.h"
#include "sims/config/config_table.h"
#include "sims/config/task_config.h"

namespace echolab {

/// A model built from a configuration, with a one-line description.
struct BuiltSequenceModel {
  std::unique_ptr<SequenceModel> model;
  std::string description;
  /// "circuit": the parsed netlist, to write the trained circuit back.
  std::optional<Netlist> netlist;
};

/// The one place where a [model] table becomes a SequenceModel, by its kind:
///   "oscillator_network"  an oscillator network ([model.substrate], the keys
///                         of simulate's [model]) as a SubstrateSequenceModel
///   "circuit"             a SPICE netlist (netlist = path) as a SubstrateSequenceModel
///   "hssm"                a Hamiltonian SSM (unit, layers, hidden, state, step, seed)
/// The task fixes the channels and the output sub-sampling. `seed`, when
/// given, replaces the table's seed of a randomly initialised model (hssm).
/// See docs/configuration.md for every key.
BuiltSequenceModel BuildSequenceModel(const ConfigTable& model, const TaskData& task,
                                      std::optional<std::uint64_t> seed = std::nullopt);

/// The configuration of a Hamiltonian SSM from a [model] table of kind "hssm" (unit, layers,
/// hidden, state, step, seed, threads, step_init, c_init) for the task, checked; `seed`, when
/// given, replaces the table's.
HamiltonianSsmConfig ReadHssmConfig(const ConfigTable& model, const TaskData& task,
                                    std::optional<std::uint64_t> seed = std::nullopt);

}  // namespace echolab
