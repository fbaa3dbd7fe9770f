#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "learning/echo_gradient.h"

namespace echolab {

/// One point of a robustness sweep: the knobs of an echo experiment. Every
/// knob is one row of SweepKnobs(), which makes its [sweep] key, its checks,
/// its axis of the grid, its field of the point's key, its CSV column and its
/// entry in meta.json.
struct SweepPoint {
  double beta = 1e-3;
  double decay_rate_per_s = 0.0;  // γ of the pass (mass-proportional damping)
  /// Non-uniform damping of the same mean: with a spread s > 0 the momenta
  /// decay at rates γ (1 + s (2 i / (n - 1) - 1)), a ramp from γ (1 - s) to
  /// γ (1 + s), as per-dof friction G_i = m_i × rate_i.
  double decay_rate_spread = 0.0;
  double thermal_energy_J = 0.0;  // kB T of the thermal noise in every pass
  EchoDamping echo_damping = EchoDamping::kNaive;
  /// The imperfections between the passes and the instruments that read ∂θH
  /// in the echoes. Its seed is the point's seed, also that of the thermal
  /// noise.
  EchoHardware hardware;
  /// Independent experiments averaged per gradient (EchoOptions::repeats).
  int echo_repeats = 1;
  /// A circuit's resistors: every conductance 1/R times this factor (0: the
  /// lossless circuit, 1: the netlist's values).
  double conductance_scale = 1.0;

  /// The knobs as CSV fields, in full precision, in the order of
  /// SweepKnobs(): the key a resumed sweep recognises finished points by.
  std::string Key() const;
  /// The same without the seed: the key of the point's group of seeds.
  std::string KeyWithoutSeed() const;
  /// Whether a random knob (SweepKnob::random) is > 0: the point draws
  /// random numbers from its seed.
  bool IsRandom() const;
};

/// Where a knob's value lives in a SweepPoint.
template <typename T>
using KnobField = T& (*)(SweepPoint&);

/// The values a numeric knob accepts: from `low` to `high`, each end
/// included or not (an infinite end is no bound).
struct KnobRange {
  double low = -std::numeric_limits<double>::infinity();
  bool low_included = true;
  double high = std::numeric_limits<double>::infinity();
  bool high_included = true;

  bool Contains(double value) const;
  /// "values >= 0", "values in [0, 1)", "integers from 0 to 52", ...
  std::string Describe(bool integers) const;
};

/// One knob of a sweep.
struct SweepKnob {
  /// Its column in results.csv and its name in meta.json.
  std::string_view name;
  /// The [sweep] key that lists its values.
  std::string_view config_key;
  /// The SI unit of its values ("1": a pure number, "": a name).
  std::string_view unit;
  std::variant<KnobField<double>, KnobField<int>, KnobField<std::uint64_t>,
               KnobField<EchoDamping>>
      field;
  KnobRange range;  // of numeric values
  /// A hardware imperfection: 0 is the ideal experiment's value
  /// (plot_sweep.py draws the error against each).
  bool imperfection = false;
  /// A value > 0 draws random numbers from the seed: such points run for
  /// every seed, the others for the first seed only.
  bool random = false;
};

/// The name of the seed's knob: the innermost axis of the grid, and the
/// field that KeyWithoutSeed() leaves out.
inline constexpr std::string_view kSeedKnob = "seed";

/// Every knob, in the order of results.csv's columns (and of the grid's
/// axes, the seed innermost).
const std::vector<SweepKnob>& SweepKnobs();

/// The knob's value on `point` as a CSV field (numbers in full precision).
std::string FormatKnob(const SweepKnob& knob, const SweepPoint& point);

/// The knob's kind in meta.json: "number", "integer" or "name".
std::string_view KnobKind(const SweepKnob& knob);

const char* ToString(EchoDamping damping);
/// The echo dampings by their names in a configuration.
const std::vector<EchoDamping>& AllEchoDampings();

}  // namespace echolab
