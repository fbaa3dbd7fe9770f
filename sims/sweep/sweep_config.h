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
#include "sims/sweep/sweep_point.h"

namespace echolab {

/// `echolab sweep CONFIG.toml`: the problem of a gradcheck configuration
/// (model, input, initial state, simulation, integrator, loss), or a
/// [circuit] (netlist, train, output_node, target, duration_s, step_s: the
/// problem of `echolab gradcheck NETLIST.cir`), and
///   [sweep]  an array of values for each knob of SweepKnobs() (by its
///            config_key), each defaulting to the one value of a default
///            SweepPoint (β: for a circuit 1e-4 × its smallest capacitance);
///            pathwise_reference (boolean) and max_points (integer).
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
  /// Scales s_j by which the compared gradients are multiplied before their
  /// relative error, cosine and signs are taken: |θ_j| for a circuit (errors
  /// in dL/d log θ, as gradcheck's), empty for a model (per SI unit).
  Vector comparison_scales;
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

}  // namespace echolab
