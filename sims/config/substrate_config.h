#pragma once

#include <memory>
#include <string>

#include "physics/hamiltonian_system.h"
#include "sims/config/config_table.h"

namespace echolab {

/// A substrate built from a configuration: the model and its parameter values.
struct Substrate {
  std::shared_ptr<const HamiltonianSystem> system;
  Vector theta;
  std::string description;  // one line, for reports
};

/// Builds the substrate of a [model] table. Types:
///   "paper_six_oscillators"  the paper's six-oscillator network, no other keys;
///   "oscillator_network"     masses, [model.onsite] and [model.coupling] laws;
///   "log_cosh"               the paper's log-cosh unit.
/// See docs/configuration.md for every key.
Substrate BuildSubstrate(const ConfigTable& model);

}  // namespace echolab
