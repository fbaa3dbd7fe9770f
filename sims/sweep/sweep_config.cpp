#include "sims/sweep/sweep_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>

#include "physics/error.h"
#include "sims/config/circuit_problem.h"
#include "sims/config/input_config.h"
#include "sims/config/loss_config.h"
#include "sims/config/simulation_config.h"
#include "sims/sweep/problem_fingerprint.h"

namespace echolab {
namespace {

// The keys of [sweep] that list a knob's values: the grid. The other keys
// (pathwise_reference) are part of the problem.
const std::vector<std::string_view> kGridKeys = {
    "beta", "decay_rate_per_s", "decay_rate_spread", "thermal_energy_J", "echo_damping", "seeds",
    "flip_gain_error", "flip_noise_relative", "parameter_drift_relative", "input_time_offset_s",
    "input_time_jitter_s", "readout_noise_relative", "readout_bits", "echo_repeats",
    "conductance_scale"};

// A value listed twice would make the same points twice.
template <typename T>
void RejectDuplicates(const ConfigTable& table, std::string_view key, const std::vector<T>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(values.begin(), values.begin() + static_cast<long>(i), values[i]) !=
        values.begin() + static_cast<long>(i)) {
      table.Fail(key, fmt::format("the value {} is listed twice; list each value once", values[i]));
    }
  }
}

std::vector<double> Numbers(const ConfigTable& table, std::string_view key, double fallback) {
  if (!table.Has(key)) return {fallback};
  const Vector array = table.NumberArray(key);
  if (array.size() == 0) table.Fail(key, "expected at least one value");
  std::vector<double> values(array.data(), array.data() + array.size());
  RejectDuplicates(table, key, values);
  return values;
}

std::vector<EchoDamping> Dampings(const ConfigTable& table) {
  if (!table.Has("echo_damping")) return {EchoDamping::kNaive};
  const std::vector<std::string> names = table.StringArray("echo_damping");
  RejectDuplicates(table, "echo_damping", names);
  std::vector<EchoDamping> dampings;
  for (const std::string& name : names) {
    if (name == "naive") {
      dampings.push_back(EchoDamping::kNaive);
    } else if (name == "gain") {
      dampings.push_back(EchoDamping::kGain);
    } else if (name == "gain_reweighted") {
      dampings.push_back(EchoDamping::kGainReweighted);
    } else {
      table.Fail("echo_damping", fmt::format("unknown echo damping '{}', expected naive, gain or "
                                             "gain_reweighted",
                                             name));
    }
  }
  return dampings;
}

std::vector<std::uint64_t> Seeds(const ConfigTable& table) {
  if (!table.Has("seeds")) return {1};
  const std::vector<long> values = table.IntegerArray("seeds");
  RejectDuplicates(table, "seeds", values);
  std::vector<std::uint64_t> seeds;
  for (long seed : values) {
    if (seed < 0) table.Fail("seeds", "expected non-negative integers");
    seeds.push_back(static_cast<std::uint64_t>(seed));
  }
  return seeds;
}

void CheckPositive(const ConfigTable& table, std::string_view key,
                   const std::vector<double>& values, bool allow_zero) {
  for (double value : values) {
    if (!(allow_zero ? value >= 0.0 : value > 0.0)) {
      table.Fail(key, fmt::format("expected values {} 0, got {}", allow_zero ? ">=" : ">", value));
    }
  }
}

// Adds the point for each seed, unless the combination is left out: the gain
// echoes and imperfections run without thermal noise, and a point without
// any random knob runs for the first seed only.
void AddPoint(SweepPoint point, const std::vector<std::uint64_t>& seeds,
              std::vector<SweepPoint>* points) {
  const bool noisy = point.thermal_energy_J > 0.0;
  const bool imperfect = !point.Hardware().is_ideal();
  if (noisy && (point.echo_damping != EchoDamping::kNaive || imperfect)) return;
  const bool random = noisy || point.flip_noise_relative > 0.0 ||
                      point.parameter_drift_relative > 0.0 || point.input_time_jitter_s > 0.0 ||
                      point.readout_noise_relative > 0.0;
  for (std::uint64_t seed : seeds) {
    point.seed = seed;
    points->push_back(point);
    if (!random) break;
  }
}

}  // namespace

std::string SweepPoint::Key() const {
  return fmt::format(
      "{:.17g},{:.17g},{:.17g},{:.17g},{},{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{},{},"
      "{:.17g}",
      beta, decay_rate_per_s, decay_rate_spread, thermal_energy_J, ToString(echo_damping), seed,
      flip_gain_error, flip_noise_relative, parameter_drift_relative, input_time_offset_s,
      input_time_jitter_s, readout_noise_relative, readout_bits, echo_repeats, conductance_scale);
}

std::string SweepPoint::KeyWithoutSeed() const {
  const std::string key = Key();
  // The seed is the sixth field.
  size_t start = 0;
  for (int field = 0; field < 5; ++field) start = key.find(',', start) + 1;
  return key.substr(0, start) + key.substr(key.find(',', start) + 1);
}

void SweepConfig::CompareAllParameters() {
  compared.clear();
  for (int i = 0; i < system->num_params(); ++i) compared.push_back(i);
  compared_names = system->parameter_names();
}

EchoHardware SweepPoint::Hardware() const {
  return EchoHardware{.flip_gain_error = flip_gain_error,
                      .flip_noise_relative = flip_noise_relative,
                      .parameter_drift_relative = parameter_drift_relative,
                      .input_time_offset_s = input_time_offset_s,
                      .input_time_jitter_s = input_time_jitter_s,
                      .readout_noise_relative = readout_noise_relative,
                      .readout_bits = readout_bits,
                      .seed = seed};
}

const char* ToString(EchoDamping damping) {
  switch (damping) {
    case EchoDamping::kNaive:
      return "naive";
    case EchoDamping::kGain:
      return "gain";
    case EchoDamping::kGainReweighted:
      return "gain_reweighted";
  }
  return "naive";
}

namespace {

// One swept knob: how many values it takes and how to set the i-th on a point.
struct Axis {
  size_t size;
  std::function<void(size_t, SweepPoint*)> set;
};

template <typename T>
Axis AxisOf(const std::vector<T>& values, T SweepPoint::*field) {
  return {values.size(),
          [values, field](size_t i, SweepPoint* point) { point->*field = values[i]; }};
}

// Calls `visit` with every combination of the axes' values (the last axis
// varies fastest).
void ForEachCombination(const std::vector<Axis>& axes, size_t level, SweepPoint* point,
                        const std::function<void(const SweepPoint&)>& visit) {
  if (level == axes.size()) {
    visit(*point);
    return;
  }
  for (size_t i = 0; i < axes[level].size; ++i) {
    axes[level].set(i, point);
    ForEachCombination(axes, level + 1, point, visit);
  }
}

// The grid's points (before the combinations left out), refused beyond
// [sweep] max_points before any point is made.
constexpr std::int64_t kDefaultMaxPoints = 100'000;

void CheckPointCount(const ConfigTable& sweep, const std::vector<Axis>& axes, size_t seeds) {
  double points = static_cast<double>(seeds);
  for (const Axis& axis : axes) points *= static_cast<double>(axis.size);
  const std::int64_t limit =
      sweep.IntegerIn("max_points", 1, std::numeric_limits<std::int64_t>::max(), kDefaultMaxPoints);
  if (points > static_cast<double>(limit)) {
    sweep.Fail("max_points", fmt::format("the grid has {:.4g} points (the product of the lengths "
                                         "of the knobs' arrays and seeds), more than max_points = "
                                         "{}; give fewer values, or raise max_points",
                                         points, limit));
  }
}

std::vector<int> Integers(const ConfigTable& table, std::string_view key, int fallback, int low,
                          int high) {
  if (!table.Has(key)) return {fallback};
  std::vector<int> values;
  for (long value : table.IntegerArray(key)) {
    if (value < low || value > high) {
      table.Fail(key, fmt::format("expected integers from {} to {}, got {}", low, high, value));
    }
    values.push_back(static_cast<int>(value));
  }
  if (values.empty()) table.Fail(key, "expected at least one value");
  RejectDuplicates(table, key, values);
  return values;
}

// BuildCircuitProblem for the [circuit] table; a message that does not name a file yet
// (the step count of the pass, say) is given the configuration file's name.
CircuitProblem BuiltCircuitProblem(const ConfigTable& table, const CircuitProblemSpec& spec) {
  try {
    return BuildCircuitProblem(
        spec, [&](std::string_view, std::string_view key) { return table.Where(key); });
  } catch (const InputError& error) {
    const std::string message = error.what();
    if (message.rfind(table.file(), 0) == 0 || message.rfind(spec.netlist_path, 0) == 0) throw;
    throw InputError(fmt::format("{}: [circuit] {}", table.file(), message));
  }
}

// The problem of a [circuit] table: a netlist and the loss of `echolab
// gradcheck NETLIST.cir`, paths relative to the configuration file. Returns
// the circuit's default β.
double LoadCircuitProblem(const ConfigTable& table, SweepConfig* config) {
  table.RejectUnknownKeys({"netlist", "train", "output_node", "target", "duration_s", "step_s",
                           "target_interpolation", "rtol", "atol"});
  CircuitProblem built = BuiltCircuitProblem(table, {.netlist_path = table.InputFile("netlist", "netlist file"),
                           .train = table.StringArray("train"),
                           .output_node = table.String("output_node"),
                           .target_csv = table.InputFile("target", "waveform file"),
                           .duration_s = table.PositiveNumber("duration_s"),
                           .step_s = table.Has("step_s") ? table.PositiveNumber("step_s") : 0.0,
                           .target_interpolation = ReadInterpolation(table, "target_interpolation"),
                           .rtol = table.PositiveNumber("rtol", CircuitProblemSpec{}.rtol),
                           .atol = table.PositiveNumber("atol", CircuitProblemSpec{}.atol)});
  const double default_beta = DefaultCircuitBeta(built);
  config->problem = std::move(built.problem);
  config->system = std::move(built.circuit);
  config->compared = std::move(built.trained);
  config->compared_names = std::move(built.trained_names);
  return default_beta;
}

// The problem of a gradcheck configuration ([model], [[input]], ..., [loss]).
void LoadModelProblem(const ConfigTable& root, SweepConfig* config) {
  const SimulationConfig simulation = ParseSimulationConfig(root, {"loss", "sweep"});
  config->problem.forward = simulation.problem;
  config->problem.integrator = simulation.integrator;
  config->problem.loss = BuildLoss(root.Table("loss"), simulation.substrate);
  config->system = simulation.substrate.system;
  config->CompareAllParameters();
}

}  // namespace

SweepConfig LoadSweepConfig(const std::string& path) {
  return ParseSweepConfig(ConfigTable::ParseFile(path));
}

SweepConfig ParseSweepConfig(const ConfigTable& root) {
  SweepConfig config;
  double default_beta = 1e-3;
  if (root.Has("circuit")) {
    root.RejectUnknownKeys({"circuit", "sweep"});
    default_beta = LoadCircuitProblem(root.Table("circuit"), &config);
  } else {
    LoadModelProblem(root, &config);
  }
  config.problem.compute_input_gradient = false;
  const ConfigTable sweep = root.Table("sweep");
  // The point limit is not part of the problem: changing it keeps the rows.
  std::vector<std::string_view> not_the_problem = kGridKeys;
  not_the_problem.push_back("max_points");
  std::vector<std::string_view> known = not_the_problem;
  known.push_back("pathwise_reference");
  sweep.RejectUnknownKeys(known);
  config.fingerprint = FingerprintProblem(root, not_the_problem);
  config.pathwise_reference = sweep.Boolean("pathwise_reference", true);
  const auto betas = Numbers(sweep, "beta", default_beta);
  const auto decay_rates = Numbers(sweep, "decay_rate_per_s", 0.0);
  const auto spreads = Numbers(sweep, "decay_rate_spread", 0.0);
  const auto thermal_energies = Numbers(sweep, "thermal_energy_J", 0.0);
  CheckPositive(sweep, "beta", betas, false);
  CheckPositive(sweep, "decay_rate_per_s", decay_rates, true);
  CheckPositive(sweep, "thermal_energy_J", thermal_energies, true);
  for (double spread : spreads) {
    if (!(spread >= 0.0 && spread < 1.0)) {
      sweep.Fail("decay_rate_spread", fmt::format("expected values in [0, 1), got {}", spread));
    }
  }
  const auto conductance_scales = Numbers(sweep, "conductance_scale", 1.0);
  CheckPositive(sweep, "conductance_scale", conductance_scales, true);
  const bool has_resistors = config.problem.forward.dissipation.has_friction_matrix();
  if (!has_resistors && conductance_scales != std::vector<double>{1.0}) {
    sweep.Fail("conductance_scale",
               "scales the resistors of a [circuit], and this problem has none");
  }
  const std::vector<EchoDamping> dampings = Dampings(sweep);
  if (has_resistors &&
      std::count(dampings.begin(), dampings.end(), EchoDamping::kGainReweighted) > 0) {
    sweep.Fail("echo_damping",
               "gain_reweighted is exact for mass-proportional damping only; a circuit's "
               "resistors are a friction matrix (use naive or gain)");
  }
  // Fluctuation-dissipation: noise needs damping to come with.
  for (double kT : thermal_energies) {
    for (double gamma : decay_rates) {
      for (double scale : conductance_scales) {
        if (kT > 0.0 && gamma == 0.0 && !(has_resistors && scale > 0.0)) {
          sweep.Fail("thermal_energy_J",
                     "thermal noise needs damping (fluctuation-dissipation): every "
                     "decay_rate_per_s (or a circuit's conductance_scale) must be > 0 when a "
                     "thermal_energy_J is");
        }
      }
    }
  }
  const auto flip_noises = Numbers(sweep, "flip_noise_relative", 0.0);
  const auto drifts = Numbers(sweep, "parameter_drift_relative", 0.0);
  const auto jitters = Numbers(sweep, "input_time_jitter_s", 0.0);
  const auto readout_noises = Numbers(sweep, "readout_noise_relative", 0.0);
  CheckPositive(sweep, "flip_noise_relative", flip_noises, true);
  CheckPositive(sweep, "parameter_drift_relative", drifts, true);
  CheckPositive(sweep, "input_time_jitter_s", jitters, true);
  CheckPositive(sweep, "readout_noise_relative", readout_noises, true);
  const std::vector<Axis> axes = {
      AxisOf(betas, &SweepPoint::beta),
      AxisOf(decay_rates, &SweepPoint::decay_rate_per_s),
      AxisOf(spreads, &SweepPoint::decay_rate_spread),
      AxisOf(thermal_energies, &SweepPoint::thermal_energy_J),
      AxisOf(dampings, &SweepPoint::echo_damping),
      AxisOf(Numbers(sweep, "flip_gain_error", 0.0), &SweepPoint::flip_gain_error),
      AxisOf(flip_noises, &SweepPoint::flip_noise_relative),
      AxisOf(drifts, &SweepPoint::parameter_drift_relative),
      AxisOf(Numbers(sweep, "input_time_offset_s", 0.0), &SweepPoint::input_time_offset_s),
      AxisOf(jitters, &SweepPoint::input_time_jitter_s),
      AxisOf(readout_noises, &SweepPoint::readout_noise_relative),
      AxisOf(Integers(sweep, "readout_bits", 0, 0, 52), &SweepPoint::readout_bits),
      AxisOf(Integers(sweep, "echo_repeats", 1, 1, 1'000'000), &SweepPoint::echo_repeats),
      AxisOf(conductance_scales, &SweepPoint::conductance_scale),
  };
  const std::vector<std::uint64_t> seeds = Seeds(sweep);
  CheckPointCount(sweep, axes, seeds.size());
  SweepPoint point;
  ForEachCombination(axes, 0, &point,
                     [&](const SweepPoint& p) { AddPoint(p, seeds, &config.points); });
  return config;
}

}  // namespace echolab
