#include "sims/sweep/sweep_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <type_traits>

#include "common/error.h"
#include "sims/config/circuit_problem.h"
#include "sims/config/input_config.h"
#include "sims/config/loss_config.h"
#include "sims/config/simulation_config.h"
#include "sims/sweep/problem_fingerprint.h"

namespace echolab {
namespace {

// A value listed twice would make the same points twice.
template <typename T>
void RejectDuplicates(const ConfigTable& table, std::string_view key, const std::vector<T>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(values.begin(), values.begin() + static_cast<long>(i), values[i]) !=
        values.begin() + static_cast<long>(i)) {
      if constexpr (std::is_same_v<T, EchoDamping>) {
        table.Fail(key, fmt::format("the value {} is listed twice; list each value once",
                                    ToString(values[i])));
      } else {
        table.Fail(key, fmt::format("the value {} is listed twice; list each value once", values[i]));
      }
    }
  }
}

// The values of a knob's [sweep] array, as listed (unchecked but for type).
template <typename T>
std::vector<T> ListedValues(const ConfigTable& sweep, const SweepKnob& knob) {
  std::vector<T> values;
  if constexpr (std::is_same_v<T, double>) {
    const Vector array = sweep.NumberArray(knob.config_key);
    values.assign(array.data(), array.data() + array.size());
  } else if constexpr (std::is_same_v<T, EchoDamping>) {
    for (const std::string& name : sweep.StringArray(knob.config_key)) {
      const auto& all = AllEchoDampings();
      const auto found = std::find_if(all.begin(), all.end(),
                                      [&](EchoDamping damping) { return name == ToString(damping); });
      if (found == all.end()) {
        std::vector<std::string_view> names;
        for (EchoDamping damping : all) names.push_back(ToString(damping));
        sweep.Fail(knob.config_key, fmt::format("unknown echo damping '{}', expected one of {}",
                                                name, fmt::join(names, ", ")));
      }
      values.push_back(*found);
    }
  } else {
    for (std::int64_t value : sweep.IntegerArray(knob.config_key)) {
      if (!knob.range.Contains(static_cast<double>(value))) {
        sweep.Fail(knob.config_key,
                   fmt::format("expected {}, got {}", knob.range.Describe(true), value));
      }
      values.push_back(static_cast<T>(value));
    }
  }
  return values;
}

// The values of a knob: its [sweep] array, checked, or the default point's
// value when the array is absent.
template <typename T>
std::vector<T> KnobValues(const ConfigTable& sweep, const SweepKnob& knob, KnobField<T> field,
                          SweepPoint defaults) {
  if (!sweep.Has(knob.config_key)) return {field(defaults)};
  const std::vector<T> values = ListedValues<T>(sweep, knob);
  if (values.empty()) sweep.Fail(knob.config_key, "expected at least one value");
  RejectDuplicates(sweep, knob.config_key, values);
  if constexpr (std::is_same_v<T, double>) {
    for (double value : values) {
      if (!knob.range.Contains(value)) {
        sweep.Fail(knob.config_key,
                   fmt::format("expected {}, got {}", knob.range.Describe(false), value));
      }
    }
  }
  return values;
}

// One swept knob: how many values it takes and how to set the i-th on a point.
struct Axis {
  size_t size;
  std::function<void(size_t, SweepPoint*)> set;
};

Axis KnobAxis(const ConfigTable& sweep, const SweepKnob& knob, const SweepPoint& defaults) {
  return std::visit(
      [&](auto field) {
        auto values = KnobValues(sweep, knob, field, defaults);
        return Axis{values.size(),
                    [values, field](size_t i, SweepPoint* point) { field(*point) = values[i]; }};
      },
      knob.field);
}

// The grid's axes, one per knob in the order of SweepKnobs() but the seed
// innermost (the last axis varies fastest).
std::vector<Axis> GridAxes(const ConfigTable& sweep, const SweepPoint& defaults) {
  std::vector<Axis> axes;
  const SweepKnob* seed = nullptr;
  for (const SweepKnob& knob : SweepKnobs()) {
    if (knob.name == kSeedKnob) {
      seed = &knob;
    } else {
      axes.push_back(KnobAxis(sweep, knob, defaults));
    }
  }
  axes.push_back(KnobAxis(sweep, *seed, defaults));
  return axes;
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

void CheckPointCount(const ConfigTable& sweep, const std::vector<Axis>& axes) {
  double points = 1.0;
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

// The combinations that the problem cannot run: a conductance scale without
// resistors, the reweighted gain echo with a friction matrix, thermal noise
// without damping (fluctuation-dissipation).
void CheckCombination(const ConfigTable& sweep, const SweepPoint& point, bool has_resistors) {
  if (!has_resistors && point.conductance_scale != 1.0) {
    sweep.Fail("conductance_scale",
               "scales the resistors of a [circuit], and this problem has none");
  }
  if (has_resistors && point.echo_damping == EchoDamping::kGainReweighted) {
    sweep.Fail("echo_damping",
               "gain_reweighted is exact for mass-proportional damping only; a circuit's "
               "resistors are a friction matrix (use naive or gain)");
  }
  if (point.thermal_energy_J > 0.0 && point.decay_rate_per_s == 0.0 &&
      !(has_resistors && point.conductance_scale > 0.0)) {
    sweep.Fail("thermal_energy_J",
               "thermal noise needs damping (fluctuation-dissipation): every "
               "decay_rate_per_s (or a circuit's conductance_scale) must be > 0 when a "
               "thermal_energy_J is");
  }
}

// Whether a combination is a point: the gain echoes and imperfections run
// without thermal noise, and a point without any random knob runs for the
// first seed only.
bool IsPoint(const SweepPoint& point, std::uint64_t first_seed) {
  const bool noisy = point.thermal_energy_J > 0.0;
  const bool imperfect = !point.hardware.is_ideal();
  if (noisy && (point.echo_damping != EchoDamping::kNaive || imperfect)) return false;
  return point.IsRandom() || point.hardware.seed == first_seed;
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
  // Element values span picofarads to microhenries: compare dL/d log θ.
  config->comparison_scales = Entries(config->problem.scales.parameters, config->compared);
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

void SweepConfig::CompareAllParameters() {
  compared.clear();
  for (int i = 0; i < system->num_params(); ++i) compared.push_back(i);
  compared_names = system->parameter_names();
}

SweepConfig LoadSweepConfig(const std::string& path) {
  return ParseSweepConfig(ConfigTable::ParseFile(path));
}

SweepConfig ParseSweepConfig(const ConfigTable& root) {
  SweepConfig config;
  SweepPoint defaults;
  if (root.Has("circuit")) {
    root.RejectUnknownKeys({"circuit", "sweep"});
    defaults.beta = LoadCircuitProblem(root.Table("circuit"), &config);
  } else {
    LoadModelProblem(root, &config);
  }
  config.problem.compute_input_gradient = false;
  const ConfigTable sweep = root.Table("sweep");
  // The grid and the point limit are not part of the problem: changing them
  // keeps the rows.
  std::vector<std::string_view> not_the_problem = {"max_points"};
  for (const SweepKnob& knob : SweepKnobs()) not_the_problem.push_back(knob.config_key);
  std::vector<std::string_view> known = not_the_problem;
  known.push_back("pathwise_reference");
  sweep.RejectUnknownKeys(known);
  config.fingerprint = FingerprintProblem(root, not_the_problem);
  config.pathwise_reference = sweep.Boolean("pathwise_reference", true);
  const std::vector<Axis> axes = GridAxes(sweep, defaults);
  CheckPointCount(sweep, axes);
  SweepPoint first;
  axes.back().set(0, &first);  // the seed axis
  const bool has_resistors = config.problem.forward.dissipation.has_friction_matrix();
  SweepPoint point;
  ForEachCombination(axes, 0, &point, [&](const SweepPoint& p) {
    CheckCombination(sweep, p, has_resistors);
    if (IsPoint(p, first.hardware.seed)) config.points.push_back(p);
  });
  return config;
}

}  // namespace echolab
