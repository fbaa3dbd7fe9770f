#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "learning/echo_gradient.h"
#include "sims/config/simulation_config.h"

namespace echolab {

/// One point of a robustness sweep: the knobs of an echo experiment.
struct SweepPoint {
  double beta = 1e-3;
  double decay_rate_per_s = 0.0;  // γ of the pass (mass-proportional damping)
  double thermal_energy_J = 0.0;  // kB T of the thermal noise in every pass
  EchoDamping echo_damping = EchoDamping::kNaive;
  std::uint64_t seed = 1;

  /// The knobs as CSV fields, in full precision: the key a resumed sweep
  /// recognises finished points by.
  std::string Key() const;
};

/// `echolab sweep CONFIG.toml`: the problem of a gradcheck configuration
/// (model, input, initial state, simulation, integrator, loss) and
///   [sweep]  beta, decay_rate_per_s, thermal_energy_J (arrays of numbers),
///            echo_damping (array of "naive", "gain", "gain_reweighted"),
///            seeds (array of integers); each defaults to one value.
/// Every combination is one point, except that a noise-free point is run for
/// the first seed only and the gain echoes for noise-free points only.
struct SweepConfig {
  SimulationConfig simulation;
  std::shared_ptr<const Loss> loss;
  std::vector<SweepPoint> points;
};

SweepConfig LoadSweepConfig(const std::string& path);

const char* ToString(EchoDamping damping);

}  // namespace echolab
