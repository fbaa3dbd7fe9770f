#include "sims/config/simulation_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>

#include "common/error.h"
#include "physics/dissipation.h"
#include "physics/integrator.h"
#include "physics/memory_budget.h"
#include "physics/step_count.h"
#include "sims/config/input_config.h"

namespace echolab {
namespace {

PhaseState ReadInitialState(const ConfigTable& root, int n) {
  PhaseState x{Vector::Zero(n), Vector::Zero(n)};
  if (const auto table = root.OptionalTable("initial_state")) {
    table->RejectUnknownKeys({"q", "p"});
    x.q = table->NumberOrArray("q", n, 0.0);
    x.p = table->NumberOrArray("p", n, 0.0);
  }
  return x;
}

Dissipation ReadDissipation(const ConfigTable& root, int n) {
  Dissipation dissipation;
  if (const auto table = root.OptionalTable("dissipation")) {
    table->RejectUnknownKeys({"friction_N_s_per_m", "momentum_decay_rate_per_s"});
    if (table->Has("friction_N_s_per_m")) {
      dissipation.friction_N_s_per_m = table->NumberOrArray("friction_N_s_per_m", n);
    }
    dissipation.momentum_decay_rate_per_s = table->Number("momentum_decay_rate_per_s", 0.0);
  }
  return dissipation;
}

// [noise]: temperature_K (SI, kB T with Boltzmann's constant) or
// thermal_energy_J (kB T directly, for non-dimensional models), and a seed.
ThermalNoise ReadNoise(const ConfigTable& root) {
  ThermalNoise noise;
  const auto table = root.OptionalTable("noise");
  if (!table) return noise;
  table->RejectUnknownKeys({"temperature_K", "thermal_energy_J", "seed"});
  if (table->Has("temperature_K") && table->Has("thermal_energy_J")) {
    table->Fail("thermal_energy_J", "give either temperature_K or thermal_energy_J, not both");
  }
  if (table->Has("temperature_K")) {
    const double temperature_K = table->Number("temperature_K");
    if (!(temperature_K >= 0.0)) table->Fail("temperature_K", "expected a temperature >= 0 K");
    noise.thermal_energy_J = kBoltzmann_J_per_K * temperature_K;
  } else {
    noise.thermal_energy_J = table->Number("thermal_energy_J", 0.0);
    if (!(noise.thermal_energy_J >= 0.0)) {
      table->Fail("thermal_energy_J", "expected an energy >= 0 J");
    }
  }
  if (!noise.is_zero()) {
    noise.seed = table->Seed("seed");
  }
  return noise;
}

IntegratorOptions ReadIntegrator(const ConfigTable& root) {
  IntegratorOptions options;
  const auto table = root.OptionalTable("integrator");
  if (!table) return options;
  table->RejectUnknownKeys({"scheme", "step_s", "rtol", "atol", "max_steps", "output_interval_s",
                            "max_energy_growth", "adjoint_memory_MiB"});
  options.scheme = table->String("scheme", options.scheme);
  const std::vector<std::string> schemes = SchemeNames();
  if (std::find(schemes.begin(), schemes.end(), options.scheme) == schemes.end()) {
    table->Fail("scheme", fmt::format("unknown scheme '{}', expected one of {}", options.scheme,
                                      fmt::join(schemes, ", ")));
  }
  options.step_s = table->Number("step_s", options.step_s);
  if (!(options.step_s >= 0.0)) table->Fail("step_s", "expected a step >= 0 s");
  options.rtol = table->PositiveNumber("rtol", options.rtol);
  options.atol = table->PositiveNumber("atol", options.atol);
  options.max_steps =
      table->IntegerIn("max_steps", 1, std::numeric_limits<long>::max(), options.max_steps);
  options.output_interval_s = table->Number("output_interval_s", options.output_interval_s);
  if (!(options.output_interval_s >= 0.0)) {
    table->Fail("output_interval_s", "expected an interval >= 0 s");
  }
  options.max_energy_growth =
      table->BoundOrInfinity("max_energy_growth", options.max_energy_growth);
  if (!(options.max_energy_growth > 1.0)) {
    table->Fail("max_energy_growth", "expected a factor > 1 (inf turns the guard off)");
  }
  options.adjoint_memory_MiB =
      table->PositiveNumber("adjoint_memory_MiB", options.adjoint_memory_MiB);
  return options;
}

// What the integrators would refuse only once the run starts, refused here
// with the location: a fixed-step scheme without a step, noise on a
// deterministic scheme.
void CheckSchemeSupport(const ConfigTable& root, const SimulationConfig& config) {
  const IntegratorOptions& options = config.integrator;
  const SchemeTraits traits = MakeIntegrator(options.scheme)->traits();
  if (traits.fixed_step && !(options.step_s > 0.0)) {
    root.Table("integrator")
        .Fail("step_s",
              fmt::format("the fixed-step scheme '{}' needs a step > 0 s", options.scheme));
  }
  if (!config.problem.noise.is_zero() && !traits.stochastic) {
    root.Fail("noise", fmt::format("thermal noise needs the scheme 'baoab' ([integrator] scheme = "
                                   "\"baoab\"); '{}' is deterministic",
                                   options.scheme));
  }
}

// A run records one sample of (q, p) per output interval (every step of a
// fixed-step scheme by default), at most max_steps of them.
void CheckTrajectoryMemory(const ConfigTable& root, const SimulationConfig& config) {
  const IntegratorOptions& options = config.integrator;
  const double spacing_s =
      options.output_interval_s > 0.0 ? options.output_interval_s : options.step_s;
  if (!(spacing_s > 0.0)) return;  // the adaptive solver's own steps: not known ahead
  const double samples = std::min(config.problem.duration_s / spacing_s + 1.0,
                                  static_cast<double>(options.max_steps) + 1.0);
  const double values = 2.0 * config.substrate.system->num_dof() + 1.0;
  MemoryBudget::Check(8.0 * samples * values, root.Table("simulation").Where("duration_s"),
                      fmt::format("a trajectory of {:.3g} samples of {:.0f} values (make the "
                                  "duration shorter or integrator.output_interval_s longer)",
                                  samples, values));
}

// A fixed-step scheme runs ceil(duration / step) steps; more than max_steps is
// refused here, naming the file and line of the step (or of the duration when
// the step is the default).
void CheckStepCount(const ConfigTable& root, const SimulationProblem& problem,
                    const IntegratorOptions& options) {
  // A step of 0 is refused by the scheme itself, with its own message.
  if (!(options.step_s > 0.0) || !MakeIntegrator(options.scheme)->traits().fixed_step) return;
  try {
    CountIntervals(problem.duration_s, options.step_s, options.max_steps, "integrator.step_s");
  } catch (const InputError& error) {
    const auto integrator = root.OptionalTable("integrator");
    if (integrator && integrator->Has("step_s")) integrator->Fail("step_s", error.what());
    root.Table("simulation").Fail("duration_s", error.what());
  }
}

}  // namespace

SimulationConfig ParseSimulationConfig(const ConfigTable& root,
                                       const std::vector<std::string_view>& extra_tables) {
  std::vector<std::string_view> known = {"model",       "input", "initial_state", "simulation",
                                         "dissipation", "noise", "integrator"};
  known.insert(known.end(), extra_tables.begin(), extra_tables.end());
  root.RejectUnknownKeys(known);
  SimulationConfig config;
  config.source_file = root.file();
  config.substrate = BuildSubstrate(root.Table("model"));
  const int n = config.substrate.system->num_dof();

  SimulationProblem& problem = config.problem;
  problem.system = config.substrate.system.get();
  problem.theta = config.substrate.theta;
  problem.input = BuildInputSignal(root.TableArray("input"));
  if (problem.input.num_channels() != problem.system->num_inputs()) {
    root.Fail("input", fmt::format("{} [[input]] channels given, the model has {} inputs",
                                   problem.input.num_channels(), problem.system->num_inputs()));
  }
  problem.initial_state = ReadInitialState(root, n);

  const ConfigTable simulation = root.Table("simulation");
  simulation.RejectUnknownKeys({"duration_s", "start_time_s"});
  problem.duration_s = simulation.PositiveNumber("duration_s");
  problem.start_time_s = simulation.Number("start_time_s", 0.0);
  problem.dissipation = ReadDissipation(root, n);
  problem.noise = ReadNoise(root);
  config.integrator = ReadIntegrator(root);
  CheckSchemeSupport(root, config);
  CheckStepCount(root, problem, config.integrator);
  CheckTrajectoryMemory(root, config);

  try {
    problem.Validate();
  } catch (const InputError& error) {
    throw InputError(fmt::format("{}: {}", root.file(), error.what()));
  }
  return config;
}

SimulationConfig LoadSimulationConfig(const std::string& path) {
  return ParseSimulationConfig(ConfigTable::ParseFile(path));
}

}  // namespace echolab
