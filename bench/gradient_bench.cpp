// echolab_bench: wall time and peak memory of the gradient methods, side by
// side in one run, on a sparse random network of harmonic oscillators.
//
//   echolab_bench [--steps N ...] [--quick] [--json FILE] [--repeats R]
//                 [--oscillators n] [--edges E] [--run-fd]
//
// Every figure is the median (with min and max) of --repeats runs. Peak
// memory is the kernel's high-water mark of resident memory (VmHWM), reset
// before each run through /proc/self/clear_refs, the mechanism that
// GradientMethod::Compute uses; memory freed by earlier runs is handed back
// to the kernel first (malloc_trim), and the resident memory just before each
// run is reported beside its peak. Full finite differences take 1 + 2 (P + 2n)
// passes, far too many to run on the full size: their cost is one perturbed
// pass times that count, labelled as extrapolated (--run-fd runs them).
//
// Exit codes: 0 success; 1 a method failed numerically; 2 bad usage.
// Timings are reported, never asserted.

#include <fmt/format.h>
#include <malloc.h>
#include <sched.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/resident_memory.h"
#include "learning/adjoint_gradient.h"
#include "learning/detail/discrete_pass.h"
#include "learning/discrete_adjoint_gradient.h"
#include "learning/echo_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning/gradient_method.h"
#include "learning/loss.h"
#include "learning/readout.h"
#include "physics/integrator.h"
#include "physics/models/oscillator_network.h"

namespace echolab::bench {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadUsage = 2;

// The benchmark's substrate, inputs and loss, in SI units.
constexpr double kStepS = 0.01;
constexpr double kMassKg = 1.0;
constexpr double kOnsiteStiffnessNPerM = 1.0;
constexpr double kCouplingStiffnessNPerM = 0.5;
constexpr double kDriveAmplitudeN = 0.5;
constexpr double kDriveFrequencyHz = 0.2;
constexpr double kTargetAmplitudeM = 0.3;
constexpr double kTargetFrequencyHz = 0.15;
constexpr double kInitialSpreadM = 0.1;
constexpr std::uint64_t kSeed = 20'240'601;

// Method settings: the echo's default (centred, linearized nudge) at this β,
// the adjoint's tolerances, and the relative step of finite differences.
constexpr double kEchoBeta = 1e-3;
constexpr double kAdjointRtol = 1e-8;
constexpr double kAdjointAtol = 1e-10;
constexpr double kFdRelativeStep = 1e-5;

// Targets that the run reports on (and never asserts).
constexpr double kEchoOverForwardTarget = 3.3;
constexpr double kEchoMemoryTolerance = 0.05;

constexpr double kBytesPerMiB = 1024.0 * 1024.0;

struct Settings {
  int num_oscillators = 1000;
  int num_edges = 2000;
  std::vector<long> steps = {50'000, 5'000};
  int repeats = 3;
  bool run_full_fd = false;
  std::string json_path;
  /// Which rows to measure: forward, echo, adjoint, discrete_adjoint, fd.
  std::vector<std::string> methods = {"forward", "echo", "adjoint", "discrete_adjoint", "fd"};

  bool Wants(const std::string& method) const {
    return std::find(methods.begin(), methods.end(), method) != methods.end();
  }
};

// ---------------------------------------------------------------------------
// Memory and time of one run.

struct Sample {
  double wall_time_s = 0.0;
  long baseline_bytes = 0;  // resident memory just before the run
  long peak_bytes = 0;      // high-water mark of resident memory during the run
};

// Runs `body` once and measures it. Memory that earlier runs freed is handed
// back to the kernel first, so that it counts neither in the baseline nor in
// the peak of this run.
Sample MeasureOnce(const std::function<void()>& body, bool* peak_reset_ok) {
  malloc_trim(0);
  Sample sample;
  sample.baseline_bytes = ProcessStatusBytes("VmRSS");
  *peak_reset_ok = ResetPeakResidentMemory() && *peak_reset_ok;
  const auto start = std::chrono::steady_clock::now();
  body();
  sample.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sample.peak_bytes = ProcessStatusBytes("VmHWM");
  return sample;
}

struct Spread {
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
};

Spread SpreadOf(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  const double median =
      values.size() % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
  return {median, values.front(), values.back()};
}

// ---------------------------------------------------------------------------
// The benchmark problem.

// `count` distinct pairs (i, j), i < j, drawn uniformly from a seeded generator.
std::vector<std::pair<int, int>> RandomDistinctEdges(int num_oscillators, int count,
                                                     std::uint64_t seed) {
  const double possible = 0.5 * num_oscillators * (num_oscillators - 1.0);
  if (count < 0 || count > possible) {
    throw InputError(
        fmt::format("--edges: {} edges asked for, a network of {} oscillators has "
                    "room for at most {}",
                    count, num_oscillators, static_cast<long>(possible)));
  }
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> pick(0, num_oscillators - 1);
  std::set<std::pair<int, int>> edges;
  while (static_cast<int>(edges.size()) < count) {
    const int i = pick(random);
    const int j = pick(random);
    if (i != j) edges.insert({std::min(i, j), std::max(i, j)});
  }
  return {edges.begin(), edges.end()};
}

// Harmonic on-site terms and harmonic couplings on random edges, unit masses,
// a force on the first oscillator and the read-out on the last.
struct BenchNetwork {
  std::shared_ptr<const OscillatorNetwork> network;
  Vector theta;
  int driven_oscillator = 0;
  int readout_oscillator = 0;
};

BenchNetwork MakeBenchNetwork(const Settings& settings) {
  const int n = settings.num_oscillators;
  NetworkTopology topology{.num_oscillators = n};
  topology.edges = RandomDistinctEdges(n, settings.num_edges, kSeed);
  BenchNetwork bench;
  bench.driven_oscillator = 0;
  bench.readout_oscillator = n - 1;
  topology.driven_oscillators = {bench.driven_oscillator};
  bench.network = std::make_shared<const OscillatorNetwork>(topology, PotentialLaw::kHarmonic,
                                                            PotentialLaw::kHarmonic);
  bench.theta = bench.network->MakeParameters(
      Vector::Constant(n, kMassKg), Eigen::MatrixXd::Constant(n, 1, kOnsiteStiffnessNPerM),
      Eigen::MatrixXd::Constant(settings.num_edges, 1, kCouplingStiffnessNPerM));
  return bench;
}

// Positions drawn uniformly from ±kInitialSpreadM, momenta zero.
PhaseState RandomInitialState(int num_oscillators) {
  std::mt19937_64 random(kSeed + 1);
  std::uniform_real_distribution<double> spread(-kInitialSpreadM, kInitialSpreadM);
  PhaseState x{Vector(num_oscillators), Vector::Zero(num_oscillators)};
  for (int i = 0; i < num_oscillators; ++i) x.q[i] = spread(random);
  return x;
}

// l = ½ (q_r - y(t))², y(t) = A sin(2π f t), on the read-out oscillator r.
std::shared_ptr<const Loss> MakeTrackingLoss(const BenchNetwork& bench) {
  const OscillatorNetwork& network = *bench.network;
  auto readout = std::make_shared<PositionReadout>(network.num_dof(), network.num_params(),
                                                   std::vector<int>{bench.readout_oscillator});
  InputSignal target(
      {{std::make_shared<SineWaveform>(kTargetAmplitudeM, kTargetFrequencyHz), Parity::kEven}});
  return std::make_shared<TrackingLoss>(readout, target, Vector::Ones(1), Vector::Zero(1),
                                        Vector::Zero(1));
}

// The pass of N leapfrog steps of kStepS, T = N h.
GradientProblem MakeBenchProblem(const BenchNetwork& bench, long num_steps) {
  GradientProblem problem;
  problem.forward.system = bench.network.get();
  problem.forward.theta = bench.theta;
  problem.forward.input = InputSignal(
      {{std::make_shared<SineWaveform>(kDriveAmplitudeN, kDriveFrequencyHz), Parity::kEven}});
  problem.forward.initial_state = RandomInitialState(bench.network->num_dof());
  problem.forward.duration_s = static_cast<double>(num_steps) * kStepS;
  problem.loss = MakeTrackingLoss(bench);
  problem.integrator.scheme = "leapfrog";
  problem.integrator.step_s = kStepS;
  problem.integrator.rtol = kAdjointRtol;
  problem.integrator.atol = kAdjointAtol;
  // The input gradient is an output of N × m values, the one thing that must
  // grow with the horizon; the memory figures are of the gradient itself.
  problem.compute_input_gradient = false;
  return problem;
}

// ---------------------------------------------------------------------------
// What is run.

// What one run of a method reports besides its time and memory.
struct RunInfo {
  int passes = 1;
  long steps = 0;
  bool ok = true;
  std::string message;
  Vector dL_dtheta;  // empty for plain passes
};

using Runner = std::function<RunInfo()>;

// Simulate() with nothing recorded: the physics of one pass alone.
RunInfo RunSimulate(const GradientProblem& problem) {
  IntegratorOptions options = problem.integrator;
  options.record_states = false;
  const Trajectory trajectory = Simulate(problem.forward, options);
  return {.steps = trajectory.stats.steps, .ok = trajectory.ok(), .message = trajectory.message};
}

// The forward pass of the discrete loss: the echo's first pass, and each of
// the passes of finite differences.
RunInfo RunDiscreteLossPass(const GradientProblem& problem) {
  const std::vector<double> weights =
      detail::CompositionWeightsOf(problem.integrator.scheme, "bench");
  const detail::DiscreteForwardPass pass =
      detail::RunDiscreteForward(problem, detail::MakeStepGrid(problem), weights, {});
  return {.steps = pass.steps, .ok = pass.status == SolveStatus::kSuccess, .message = pass.message};
}

// One pass of FiniteDifferenceGradient: a copy of the problem with θ_1
// perturbed by its finite-difference step, then the discrete loss.
RunInfo RunFiniteDifferencePass(const GradientProblem& problem) {
  GradientProblem perturbed = problem;
  double& theta = perturbed.forward.theta[0];
  theta += kFdRelativeStep * std::max(std::abs(theta), 1.0);
  return RunDiscreteLossPass(perturbed);
}

RunInfo RunGradientMethod(const GradientMethod& method, const GradientProblem& problem) {
  GradientResult result = method.Compute(problem);
  return {.passes = result.passes,
          .steps = result.steps,
          .ok = result.ok(),
          .message = result.message,
          .dL_dtheta = std::move(result.dL_dtheta)};
}

// The passes of full central finite differences: the unperturbed pass, then
// two per parameter and per entry of x0 = (q0, p0).
long FullFiniteDifferencePasses(const GradientProblem& problem) {
  const long parameters = problem.forward.system->num_params();
  const long state = 2L * problem.forward.system->num_dof();
  return 1 + 2 * (parameters + state);
}

// ---------------------------------------------------------------------------
// Measurements.

struct Measurement {
  std::string method;  // key used in the JSON file and the checks
  std::string label;   // row label of the table
  long num_steps = 0;  // N of the problem's grid
  std::vector<Sample> samples;
  int passes = 0;
  long solver_steps = 0;
  bool ok = true;
  std::string message;
  Vector dL_dtheta;  // of the last run, for the accuracy line
  // Extrapolated rows: the samples are of one pass; the reported time is
  // their median times `passes_extrapolated`.
  bool extrapolated = false;
  long passes_extrapolated = 1;
};

// How many times the measured work the reported figure stands for.
double PassFactor(const Measurement& m) {
  return m.extrapolated ? static_cast<double>(m.passes_extrapolated) : 1.0;
}

Spread WallTime(const Measurement& m) {
  std::vector<double> values;
  for (const Sample& s : m.samples) values.push_back(s.wall_time_s * PassFactor(m));
  return SpreadOf(values);
}

Spread MemorySpread(const Measurement& m, long Sample::*field) {
  std::vector<double> values;
  for (const Sample& s : m.samples) values.push_back(static_cast<double>(s.*field));
  return SpreadOf(values);
}

Spread Baseline(const Measurement& m) { return MemorySpread(m, &Sample::baseline_bytes); }
Spread Peak(const Measurement& m) { return MemorySpread(m, &Sample::peak_bytes); }

class Bench {
 public:
  explicit Bench(int repeats) : repeats_(repeats) {}

  // Runs `runner` `repeats` times (once when `repeats` is 1 or the method
  // fails) and keeps the measurement.
  Measurement& Measure(const std::string& method, const std::string& label, long num_steps,
                       const Runner& runner, int repeats = 0) {
    Measurement m{.method = method, .label = label, .num_steps = num_steps};
    const int runs = repeats > 0 ? repeats : repeats_;
    for (int r = 0; r < runs && m.ok; ++r) {
      RunInfo info;
      m.samples.push_back(MeasureOnce([&] { info = runner(); }, &peak_reset_ok_));
      m.passes = info.passes;
      m.solver_steps = info.steps;
      m.ok = info.ok;
      m.message = info.message;
      m.dL_dtheta = std::move(info.dL_dtheta);
    }
    measurements_.push_back(std::move(m));
    return measurements_.back();
  }

  // Runs each of `rows` once per round, `repeats` rounds, so that a machine
  // whose speed drifts during the run slows every row alike and the ratios of
  // medians stay fair.
  struct Row {
    std::string method, label;
    Runner runner;
  };
  void MeasureInterleaved(const std::vector<Row>& rows, long num_steps) {
    const size_t first = measurements_.size();
    for (const Row& row : rows) {
      measurements_.push_back({.method = row.method, .label = row.label, .num_steps = num_steps});
    }
    for (int r = 0; r < repeats_; ++r) {
      for (size_t k = 0; k < rows.size(); ++k) {
        Measurement& m = measurements_[first + k];
        if (!m.ok) continue;
        RunInfo info;
        m.samples.push_back(MeasureOnce([&] { info = rows[k].runner(); }, &peak_reset_ok_));
        m.passes = info.passes;
        m.solver_steps = info.steps;
        m.ok = info.ok;
        m.message = info.message;
        m.dL_dtheta = std::move(info.dL_dtheta);
      }
    }
  }

  const std::vector<Measurement>& measurements() const { return measurements_; }
  bool peak_reset_ok() const { return peak_reset_ok_; }

  // The measurement of `method` at N steps; null when there is none.
  const Measurement* Find(const std::string& method, long num_steps) const {
    for (const Measurement& m : measurements_) {
      if (m.method == method && m.num_steps == num_steps) return &m;
    }
    return nullptr;
  }

 private:
  int repeats_;
  bool peak_reset_ok_ = true;
  std::vector<Measurement> measurements_;
};

// ---------------------------------------------------------------------------
// Printing.

double MiB(double bytes) { return bytes / kBytesPerMiB; }

void PrintHeader() {
  fmt::print("{:<26} {:>6} {:>10} {:>30} {:>11} {:>10} {:>12}\n", "method", "passes", "steps",
             "wall time (s): median [min, max]", "RSS before", "peak RSS", "peak - before");
  fmt::print("{:<26} {:>6} {:>10} {:>30} {:>11} {:>10} {:>12}\n", "", "", "", "", "(MiB)", "(MiB)",
             "(MiB)");
}

void PrintRow(const Measurement& m) {
  const Spread time = WallTime(m);
  const Spread baseline = Baseline(m);
  const Spread peak = Peak(m);
  const long passes = m.extrapolated ? m.passes_extrapolated : m.passes;
  const long steps = m.extrapolated ? m.passes_extrapolated * m.solver_steps : m.solver_steps;
  fmt::print("{:<26} {:>6} {:>10} {:>30} {:>11.1f} {:>10.1f} {:>12.1f}\n", m.label, passes, steps,
             fmt::format("{:.3f} [{:.3f}, {:.3f}]", time.median, time.min, time.max),
             MiB(baseline.median), MiB(peak.median), MiB(peak.median - baseline.median));
  if (m.extrapolated) {
    fmt::print("{:<26} extrapolated: {} passes x {:.4f} s per pass (median of {} passes)\n", "",
               m.passes_extrapolated, time.median / PassFactor(m), m.samples.size());
  }
  if (!m.ok) fmt::print("{:<26} FAILED: {}\n", "", m.message);
}

std::string MetOrNot(bool met) { return met ? "met" : "NOT met"; }

// ---------------------------------------------------------------------------
// The run.

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

int UsableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
  return CPU_COUNT(&set);
}

// Measures every method on the pass of N steps, printing a row for each
// when `print` is set.
void MeasureSize(const BenchNetwork& network, long num_steps, const Settings& settings, bool print,
                 Bench* bench) {
  const GradientProblem problem = MakeBenchProblem(network, num_steps);
  const auto print_row = [print](const Measurement& m) {
    if (!print) return;
    PrintRow(m);
    std::fflush(stdout);
  };
  if (print) {
    fmt::print("\nN = {} steps of h = {} s (T = {} s)\n", num_steps, kStepS,
               problem.forward.duration_s);
    PrintHeader();
  }
  const auto measure = [&](const std::string& method, const std::string& label,
                           const Runner& runner) {
    print_row(bench->Measure(method, label, num_steps, runner));
  };
  // The rows compared in the checks run interleaved, round by round.
  std::vector<Bench::Row> rows;
  if (settings.Wants("forward")) {
    rows.push_back(
        {"forward_simulate", "forward (Simulate)", [&] { return RunSimulate(problem); }});
    rows.push_back(
        {"forward_loss", "forward (discrete loss)", [&] { return RunDiscreteLossPass(problem); }});
  }
  const EchoGradient echo(EchoOptions{.beta = kEchoBeta});
  if (settings.Wants("echo")) {
    rows.push_back(
        {"echo", "echo (centred, linearized)", [&] { return RunGradientMethod(echo, problem); }});
  }
  bench->MeasureInterleaved(rows, num_steps);
  for (size_t k = bench->measurements().size() - rows.size(); k < bench->measurements().size();
       ++k) {
    print_row(bench->measurements()[k]);
  }
  if (settings.Wants("adjoint")) {
    const AdjointGradient adjoint;
    measure("adjoint", "adjoint (CVODES)", [&] { return RunGradientMethod(adjoint, problem); });
  }
  if (settings.Wants("discrete_adjoint")) {
    const DiscreteAdjointGradient discrete_adjoint;
    measure("discrete_adjoint", "discrete adjoint (BPTT)",
            [&] { return RunGradientMethod(discrete_adjoint, problem); });
  }
  if (!settings.Wants("fd")) return;
  Measurement& fd_pass = bench->Measure("fd_extrapolated", "fd (extrapolated)", num_steps,
                                        [&] { return RunFiniteDifferencePass(problem); });
  fd_pass.extrapolated = true;
  fd_pass.passes_extrapolated = FullFiniteDifferencePasses(problem);
  print_row(fd_pass);
  if (settings.run_full_fd) {
    const FiniteDifferenceGradient fd(kFdRelativeStep);
    print_row(bench->Measure(
        "fd", "fd (ran in full)", num_steps, [&] { return RunGradientMethod(fd, problem); }, 1));
  }
}

// Relative difference |a - b| / |b| of two gradients; NaN when either is missing.
double RelativeDifference(const Measurement* a, const Measurement* b) {
  if (a == nullptr || b == nullptr || a->dL_dtheta.size() == 0 ||
      a->dL_dtheta.size() != b->dL_dtheta.size()) {
    return std::nan("");
  }
  return (a->dL_dtheta - b->dL_dtheta).norm() / b->dL_dtheta.norm();
}

double MedianTime(const Measurement* m) { return m ? WallTime(*m).median : std::nan(""); }
double MedianPeak(const Measurement* m) { return m ? Peak(*m).median : std::nan(""); }
double MedianBaseline(const Measurement* m) { return m ? Baseline(*m).median : std::nan(""); }

// Echo time over forward time at N steps, against both forward passes, and
// how far the echo's dL/dθ is from the discrete adjoint's (the exact gradient
// of the same discrete loss).
nlohmann::json CheckEchoOverForward(const Bench& bench, long num_steps) {
  const Measurement* echo = bench.Find("echo", num_steps);
  const double over_loss = MedianTime(echo) / MedianTime(bench.Find("forward_loss", num_steps));
  const double over_simulate =
      MedianTime(echo) / MedianTime(bench.Find("forward_simulate", num_steps));
  const double difference = RelativeDifference(echo, bench.Find("discrete_adjoint", num_steps));
  const bool met = over_loss <= kEchoOverForwardTarget;
  fmt::print(
      "  N = {:>6}: echo / forward (discrete loss) = {:.2f} (target <= {}: {}); "
      "echo / forward (Simulate) = {:.2f}; |echo - discrete adjoint| / |discrete adjoint| "
      "= {:.1e}\n",
      num_steps, over_loss, kEchoOverForwardTarget, MetOrNot(met), over_simulate, difference);
  return {{"steps", num_steps},
          {"echo_over_forward_discrete_loss", over_loss},
          {"echo_over_forward_simulate", over_simulate},
          {"target", kEchoOverForwardTarget},
          {"met", met},
          {"echo_vs_discrete_adjoint_relative_difference", difference}};
}

// Peak memory of a method at the most steps over that at the fewest, in
// whole (VmHWM) and above the resident memory before each run.
nlohmann::json CheckMemoryGrowth(const Bench& bench, const std::string& method, long fewest,
                                 long most) {
  const Measurement* small = bench.Find(method, fewest);
  const Measurement* large = bench.Find(method, most);
  const double ratio = MedianPeak(large) / MedianPeak(small);
  const double above_small = MedianPeak(small) - MedianBaseline(small);
  const double above_large = MedianPeak(large) - MedianBaseline(large);
  nlohmann::json entry = {{"method", method},
                          {"steps_small", fewest},
                          {"steps_large", most},
                          {"peak_small_bytes", MedianPeak(small)},
                          {"peak_large_bytes", MedianPeak(large)},
                          {"peak_ratio", ratio},
                          {"above_rss_before_small_bytes", above_small},
                          {"above_rss_before_large_bytes", above_large}};
  std::string verdict;
  if (method == "echo") {
    const bool met = std::abs(ratio - 1.0) <= kEchoMemoryTolerance;
    entry["tolerance"] = kEchoMemoryTolerance;
    entry["met"] = met;
    verdict =
        fmt::format(" (target within {:.0f}%: {})", 100 * kEchoMemoryTolerance, MetOrNot(met));
  }
  fmt::print(
      "  {} peak memory, N = {} vs N = {}: {:.1f} vs {:.1f} MiB, ratio {:.3f}{}; "
      "above the RSS before: {:.2f} vs {:.2f} MiB\n",
      method, most, fewest, MiB(MedianPeak(large)), MiB(MedianPeak(small)), ratio, verdict,
      MiB(above_large), MiB(above_small));
  return entry;
}

// The figures the targets are about, computed from medians of this run.
nlohmann::json Checks(const Bench& bench, const Settings& settings) {
  fmt::print("\nChecks (medians of this run; reported, never asserted)\n");
  nlohmann::json checks;
  checks["echo_over_forward"] = nlohmann::json::array();
  if (settings.Wants("echo") && settings.Wants("forward")) {
    for (long n : settings.steps) {
      checks["echo_over_forward"].push_back(CheckEchoOverForward(bench, n));
    }
  }
  const auto [fewest, most] = std::minmax_element(settings.steps.begin(), settings.steps.end());
  checks["memory_growth"] = nlohmann::json::array();
  if (*fewest == *most) return checks;
  for (const char* method : {"echo", "discrete_adjoint", "adjoint"}) {
    if (!settings.Wants(method)) continue;
    checks["memory_growth"].push_back(CheckMemoryGrowth(bench, method, *fewest, *most));
  }
  return checks;
}

nlohmann::json MeasurementJson(const Measurement& m) {
  nlohmann::json samples = nlohmann::json::array();
  for (const Sample& s : m.samples) {
    samples.push_back({{"wall_time_s", s.wall_time_s},
                       {"rss_before_bytes", s.baseline_bytes},
                       {"peak_rss_bytes", s.peak_bytes}});
  }
  const Spread time = WallTime(m);
  return {{"method", m.method},
          {"label", m.label},
          {"num_steps", m.num_steps},
          {"duration_s", static_cast<double>(m.num_steps) * kStepS},
          {"passes", m.extrapolated ? m.passes_extrapolated : m.passes},
          {"solver_steps_per_run", m.solver_steps},
          {"ok", m.ok},
          {"message", m.message},
          {"extrapolated", m.extrapolated},
          {"wall_time_s", {{"median", time.median}, {"min", time.min}, {"max", time.max}}},
          {"rss_before_bytes_median", Baseline(m).median},
          {"peak_rss_bytes_median", Peak(m).median},
          {"peak_rss_bytes_max", Peak(m).max},
          {"samples", samples}};
}

void WriteJson(const std::string& path, const Settings& settings, const BenchNetwork& network,
               const Bench& bench, const nlohmann::json& checks) {
  nlohmann::json json;
  json["machine"] = {{"usable_cpus", UsableCpus()}, {"cpu_model", CpuModel()}};
  json["problem"] = {{"num_oscillators", settings.num_oscillators},
                     {"num_edges", settings.num_edges},
                     {"num_params", network.network->num_params()},
                     {"driven_oscillator", network.driven_oscillator + 1},
                     {"readout_oscillator", network.readout_oscillator + 1},
                     {"step_s", kStepS},
                     {"scheme", "leapfrog"},
                     {"seed", kSeed},
                     {"echo_beta", kEchoBeta},
                     {"adjoint_rtol", kAdjointRtol},
                     {"adjoint_atol", kAdjointAtol}};
  json["repeats"] = settings.repeats;
  json["peak_memory_reset_ok"] = bench.peak_reset_ok();
  json["measurements"] = nlohmann::json::array();
  for (const Measurement& m : bench.measurements()) {
    json["measurements"].push_back(MeasurementJson(m));
  }
  json["checks"] = checks;
  std::ofstream file(path);
  file << json.dump(2) << '\n';
  if (!file) throw InputError(fmt::format("--json: could not write {}", path));
}

// Creates the JSON file's folder and checks that the file can be written,
// before minutes of measuring rather than after.
void PrepareJsonPath(const std::string& path) {
  if (path.empty()) return;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (!std::ofstream(path, std::ios::app)) {
    throw InputError(fmt::format("--json: cannot write {}", path));
  }
}

int RunBench(const Settings& settings) {
  PrepareJsonPath(settings.json_path);
  const BenchNetwork network = MakeBenchNetwork(settings);
  fmt::print(
      "echolab_bench: {} oscillators, {} random edges (seed {}), {} parameters; leapfrog "
      "h = {} s; {} runs per figure\n",
      settings.num_oscillators, settings.num_edges, kSeed, network.network->num_params(), kStepS,
      settings.repeats);
  fmt::print("force on oscillator {}, loss on oscillator {}; machine: {} usable CPUs, {}\n",
             network.driven_oscillator + 1, network.readout_oscillator + 1, UsableCpus(),
             CpuModel());
  // A warm-up run of every method on the smallest size, not reported, so
  // that code pages and one-time allocations of the libraries are resident
  // before the first measurement instead of counting against it.
  Bench warm_up(1);
  Settings warm_up_settings = settings;
  warm_up_settings.run_full_fd = false;
  MeasureSize(network, *std::min_element(settings.steps.begin(), settings.steps.end()),
              warm_up_settings, false, &warm_up);
  Bench bench(settings.repeats);
  for (long n : settings.steps) MeasureSize(network, n, settings, true, &bench);
  const nlohmann::json checks = Checks(bench, settings);
  if (!bench.peak_reset_ok()) {
    fmt::print("warning: /proc/self/clear_refs refused the reset; peaks cover the whole run\n");
  }
  if (!settings.json_path.empty()) WriteJson(settings.json_path, settings, network, bench, checks);
  const bool all_ok = std::all_of(bench.measurements().begin(), bench.measurements().end(),
                                  [](const Measurement& m) { return m.ok; });
  return all_ok ? 0 : kExitFailure;
}

}  // namespace
}  // namespace echolab::bench

int main(int argc, char** argv) {
  using echolab::bench::Settings;
  CLI::App app{
      "echolab_bench: time and peak memory of the gradient methods on a sparse "
      "random oscillator network"};
  Settings settings;
  bool quick = false;
  CLI::Option* steps = app.add_option("--steps", settings.steps,
                                      "Steps N of h = 0.01 s per pass, one size after another "
                                      "(default 50000 5000)")
                           ->check(CLI::Range(1L, 100'000'000L));
  CLI::Option* oscillators = app.add_option("--oscillators", settings.num_oscillators,
                                            "Oscillators in the network (default 1000)")
                                 ->check(CLI::Range(2, 1'000'000));
  CLI::Option* edges =
      app.add_option("--edges", settings.num_edges, "Random couplings (default 2000)")
          ->check(CLI::Range(0, 100'000'000));
  app.add_option("--repeats", settings.repeats, "Runs per figure (default 3)")
      ->check(CLI::Range(1, 1000));
  app.add_flag("--quick", quick, "Smoke run: 100 oscillators, 200 edges, 2000 and 200 steps");
  app.add_flag("--run-fd", settings.run_full_fd,
               "Also run full finite differences (only sensible on small sizes)");
  app.add_option("--json", settings.json_path, "Also write the figures to this JSON file");
  app.add_option("--methods", settings.methods,
                 "Rows to measure (default all): forward, echo, adjoint, discrete_adjoint, fd")
      ->delimiter(',')
      ->check(CLI::IsMember({"forward", "echo", "adjoint", "discrete_adjoint", "fd"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : echolab::bench::kExitBadUsage;
  }
  if (quick) {
    if (steps->count() == 0) settings.steps = {2'000, 200};
    if (oscillators->count() == 0) settings.num_oscillators = 100;
    if (edges->count() == 0) settings.num_edges = 200;
  }
  try {
    return echolab::bench::RunBench(settings);
  } catch (const echolab::InputError& error) {
    fmt::print(stderr, "echolab_bench: error: {}\n", error.what());
    return echolab::bench::kExitBadUsage;
  } catch (const std::exception& error) {
    fmt::print(stderr, "echolab_bench: failed: {}\n", error.what());
    return echolab::bench::kExitFailure;
  }
}
