#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "learning/echo_gradient.h"
#include "learning/gradient_method.h"
#include "physics/hamiltonian_system.h"
#include "sims/config/config_table.h"
#include "sims/sweep/problem_fingerprint.h"

namespace echolab {

/// One point of a robustness sweep: the knobs of an echo experiment.
struct SweepPoint {
  double beta = 1e-3;
  double decay_rate_per_s = 0.0;  // γ of the pass (mass-proportional damping)
  /// Non-uniform damping of the same mean: with a spread s > 0 the momenta
  /// decay at rates γ (1 + s (2 i / (n - 1) - 1)), a ramp from γ (1 - s) to
  /// γ (1 + s), as per-dof friction G_i = m_i × rate_i.
  double decay_rate_spread = 0.0;
  double thermal_energy_J = 0.0;  // kB T of the thermal noise in every pass
  EchoDamping echo_damping = EchoDamping::kNaive;
  std::uint64_t seed = 1;
  /// Imperfections between the passes (their seed is `seed`).
  double flip_gain_error = 0.0;
  double flip_noise_relative = 0.0;
  double parameter_drift_relative = 0.0;
  double input_time_offset_s = 0.0;
  double input_time_jitter_s = 0.0;
  /// The instruments that read ∂θH in the echoes (EchoHardware).
  double readout_noise_relative = 0.0;
  int readout_bits = 0;
  /// Independent experiments averaged per gradient (EchoOptions::repeats).
  int echo_repeats = 1;
  /// A circuit's resistors: every conductance 1/R times this factor (0: the
  /// lossless circuit, 1: the netlist's values).
  double conductance_scale = 1.0;

  EchoHardware Hardware() const;

  /// The knobs as CSV fields, in full precision: the key a resumed sweep
  /// recognises finished points by.
  std::string Key() const;
  /// The same without the seed: the key of the point's group of seeds.
  std::string KeyWithoutSeed() const;
};

/// `echolab sweep CONFIG.toml`: the problem of a gradcheck configuration
/// (model, input, initial state, simulation, integrator, loss), or a
/// [circuit] (netlist, train, output_node, target, duration_s, step_s: the
/// problem of `echolab gradcheck NETLIST.cir`), and
///   [sweep]  beta, decay_rate_per_s, decay_rate_spread, thermal_energy_J,
///            flip_gain_error, flip_noise_relative, parameter_drift_relative,
///            input_time_offset_s, input_time_jitter_s, readout_noise_relative,
///            conductance_scale (arrays of numbers), echo_damping (array of
///            "naive", "gain", "gain_reweighted"), readout_bits, seeds and
///            echo_repeats (arrays of integers); pathwise_reference (boolean);
///            each defaults to one value (0, or β = 1e-3 (for a circuit 1e-4 ×
///            its smallest capacitance), naive, seed 1, conductance scale 1).
/// A value listed twice in a grid is refused.
/// Every combination is one point, except that a point without any random
/// knob (thermal noise, flip noise, drift, jitter, read-out noise) runs for
/// the first seed only, and
/// the gain echoes run without thermal noise only. Imperfections need the
/// discrete echo (a symmetric composition scheme), so they run without
/// thermal noise.
struct SweepConfig {
  /// The noise-free pass, its loss and integrator; each point changes a copy.
  GradientProblem problem;
  std::shared_ptr<const HamiltonianSystem> system;  // owns problem.forward.system
  /// The entries of θ that are compared (all of θ, or a circuit's trained
  /// elements), and their names.
  std::vector<int> compared;
  std::vector<std::string> compared_names;
  std::vector<SweepPoint> points;
  /// [sweep] pathwise_reference (default true): at points with thermal noise,
  /// also compare the echo with the pathwise gradient of the forward pass's
  /// own realisation (finite differences on baoab with its seed, 2 (P + 2n)
  /// passes).
  bool pathwise_reference = true;
  /// The problem without the grid: what results.csv's rows depend on beside
  /// their point's knobs (see problem_fingerprint.h).
  ProblemFingerprint fingerprint;

  /// Compares every entry of θ (compared and compared_names from the system).
  void CompareAllParameters();
};

/// Reads and checks a sweep configuration; every error is an InputError
/// naming the file, line and key.
SweepConfig LoadSweepConfig(const std::string& path);
/// The same from a parsed file (for tests).
SweepConfig ParseSweepConfig(const ConfigTable& root);

const char* ToString(EchoDamping damping);

}  // namespace echolab
