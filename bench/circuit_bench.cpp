// echolab_circuit_bench: the node-flux circuit substrate at the size of real
// hardware, side by side with ngspice in one run.
//
//   echolab_circuit_bench [--sections 10,100,1000,10000] [--lattice 100]
//                         [--duration S] [--step S] [--gradients-up-to N]
//                         [--memory-durations 1,2,4] [--quick]
//   echolab_circuit_bench --crossover
//   echolab_circuit_bench --interleaved N [--sections 1000]
//                         [--json FILE]
//
// Each LC ladder (a sine current into node n0, N sections of 25 nH and
// 10 pF, lossless) and the 2-D LC lattice (side × side nodes with 10 pF to
// ground, 25 nH between neighbours, K = 0.05 between parallel neighbouring
// inductors) is written as one netlist that both simulators run for the same
// duration: ngspice -b with the trapezoidal method, its step bounded by
// echolab's step and reltol 1e-7 (the setting of the cross-check tests,
// agreeing with echolab to the printed fraction of the peak at n0), and
// echolab's forward pass (yoshida4 at the fixed step), echo gradient of every
// element value and CVODES adjoint. Printed: wall times, the per-step cost
// against nnz (the stored entries of C, M and their factors) with its fitted
// exponent, the echo's cost in forward passes, echo vs adjoint, and the
// echo's peak memory against the duration. --crossover instead times the step
// of dense against sparse matrices on small ladders (the kDenseNodeLimit);
// --interleaved N instead alternates N forward passes and N echoes on each
// ladder and prints their medians and the echo's cost in forward passes
// (both under the same machine load).
//
// Exit codes: 0 success; 1 a run failed; 2 bad usage. Timings are
// reported, never asserted.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <Eigen/QR>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "common/error.h"
#include "learning/gradient_method_registry.h"
#include "learning/measured_gradient.h"
#include "physics/integrator.h"
#include "sims/config/circuit_problem.h"

namespace echolab::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::vector<int> sections = {10, 100, 1000, 10000};
  int lattice_side = 100;  // 0: no lattice
  double duration_s = 5e-9;
  double step_s = 1e-12;
  int gradients_up_to = 1000;  // the largest ladder whose gradients are measured
  std::vector<double> memory_durations = {1, 2, 4};  // × duration, on the 1,000-section ladder
  bool crossover = false;
  int interleaved_repeats = 0;  // > 0: only the interleaved forward and echo timings
  std::string json_path;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU time of this process (s): on a shared machine, steadier than the wall
// time (the bench is single-threaded).
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// The ladder's elements, without a .tran card.
std::string LadderElements(int sections) {
  std::string text = fmt::format("LC ladder of {} sections\nI1 0 n0 SIN(0 10m 60meg)\n", sections);
  text += "C0 n0 0 10p\n";
  for (int i = 1; i <= sections; ++i) {
    text += fmt::format("L{} n{} n{} 25n\nC{} n{} 0 10p\n", i, i - 1, i, i, i);
  }
  return text;
}

// side × side nodes n<row>_<col>: 10 pF to ground, 25 nH to the right and
// below, K = 0.05 between each inductor and its parallel neighbour one row
// (or column) further; the sine current into the corner.
std::string LatticeElements(int side) {
  std::string text = fmt::format("LC lattice of {0} x {0} nodes with K couplings\n", side);
  text += "I1 0 n0_0 SIN(0 10m 60meg)\n";
  const auto node = [](int r, int c) { return fmt::format("n{}_{}", r, c); };
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      text += fmt::format("C{}_{} {} 0 10p\n", r, c, node(r, c));
      if (c + 1 < side)
        text += fmt::format("Lh{}_{} {} {} 25n\n", r, c, node(r, c), node(r, c + 1));
      if (r + 1 < side)
        text += fmt::format("Lv{}_{} {} {} 25n\n", r, c, node(r, c), node(r + 1, c));
    }
  }
  for (int r = 0; r + 1 < side; ++r) {
    for (int c = 0; c + 1 < side; ++c) {
      text += fmt::format("Kh{0}_{1} Lh{0}_{1} Lh{2}_{1} 0.05\n", r, c, r + 1);
      text += fmt::format("Kv{0}_{1} Lv{0}_{1} Lv{0}_{2} 0.05\n", r, c, c + 1);
    }
  }
  return text;
}

struct ForwardRun {
  int nodes = 0;
  long entries = 0;
  long steps = 0;
  double wall_s = 0.0;
  double cpu_s = 0.0;                         // CPU time of the pass
  std::vector<double> times_s, first_node_V;  // v(first node) every 10 steps
};

ForwardRun RunForward(const std::string& text, const Options& options, MatrixStorage storage) {
  const Netlist netlist = ParseNetlistText(text, "bench.cir");
  const CircuitHamiltonian circuit(netlist, CircuitOptions{.storage = storage});
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .input = circuit.Inputs(),
                            .initial_state = circuit.InitialState(netlist),
                            .duration_s = options.duration_s,
                            .dissipation = circuit.ResistiveDissipation()};
  IntegratorOptions integrator;
  integrator.scheme = "yoshida4";
  integrator.step_s = options.step_s;
  ForwardRun run{.nodes = circuit.num_dof(),
                 .entries = static_cast<long>(circuit.StoredEntries(problem.theta))};
  Vector voltage;
  long calls = 0;
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = CpuSeconds();
  const Trajectory trajectory = Simulate(problem, integrator, [&](double t, const PhaseState& x) {
    if (calls++ % 10 != 0) return;
    circuit.KineticGradient(x.p, problem.theta, &voltage);
    run.times_s.push_back(t);
    run.first_node_V.push_back(voltage[0]);
  });
  run.wall_s = Seconds(started);
  run.cpu_s = CpuSeconds() - cpu_started;
  if (!trajectory.ok()) throw SolverError("forward pass failed: " + trajectory.BriefReport());
  run.steps = trajectory.stats.steps;
  return run;
}

struct SpiceRun {
  bool ran = false;
  double wall_s = 0.0;
  double disagreement = 0.0;  // max |Δv(first node)| / peak
};

// ngspice -b on the same elements, trap, step bounded by echolab's, reltol 1e-7.
SpiceRun RunSpice(const std::string& elements, const std::string& first_node,
                  const ForwardRun& ours, const Options& options, const fs::path& scratch) {
  const fs::path netlist = scratch / "spice.cir", data = scratch / "spice.data";
  std::ofstream(netlist) << elements
                         << fmt::format(
                                ".options method=trap reltol=1e-7\n"
                                ".tran {0:.6g} {1:.6g} 0 {0:.6g} uic\n.control\n"
                                "set wr_singlescale\nrun\nwrdata {2} v({3})\nquit\n"
                                ".endc\n.end\n",
                                options.step_s, options.duration_s, data.string(), first_node);
  fs::remove(data);
  const auto started = std::chrono::steady_clock::now();
  const int status = std::system(
      fmt::format("ngspice -b {} > {} 2>&1", netlist.string(), (scratch / "spice.log").string())
          .c_str());
  SpiceRun run{.ran = status == 0 && fs::exists(data), .wall_s = Seconds(started)};
  if (!run.ran) return run;
  std::vector<double> t, v;
  std::ifstream in(data);
  for (double a, b; in >> a >> b;) {
    t.push_back(a);
    v.push_back(b);
  }
  double peak = 0.0, worst = 0.0;
  size_t k = 0;
  for (size_t i = 0; i < ours.times_s.size(); ++i) {
    while (k + 1 < t.size() && t[k + 1] < ours.times_s[i]) ++k;
    if (k + 1 >= t.size()) break;
    const double w = (ours.times_s[i] - t[k]) / (t[k + 1] - t[k]);
    const double spice = (1 - w) * v[k] + w * v[k + 1];
    peak = std::max(peak, std::abs(ours.first_node_V[i]));
    worst = std::max(worst, std::abs(spice - ours.first_node_V[i]));
  }
  run.disagreement = peak > 0 ? worst / peak : 0.0;
  return run;
}

struct GradientRun {
  GradientResult echo, adjoint;
  double echo_cpu_s = 0.0;      // CPU time of the echo
  double relative_error = 0.0;  // echo vs adjoint in dL/d log θ
};

// The gradient of ∫ ½ v(output)² dt (target 0) with respect to every element value.
GradientRun RunGradients(const std::string& elements, const std::string& output_node,
                         double duration_s, const Options& options, const fs::path& scratch,
                         bool with_adjoint) {
  std::ofstream(scratch / "grad.cir") << elements << ".end\n";
  std::ofstream(scratch / "zero.csv") << fmt::format("t,y\n0,0\n{:.6g},0\n", 2 * duration_s);
  std::vector<std::string> every_element;
  for (const Element& element : ParseNetlistText(elements, "grad.cir").elements) {
    if (element.kind != ElementKind::kCurrentSource) every_element.push_back(element.name);
  }
  CircuitProblemSpec spec{.netlist_path = (scratch / "grad.cir").string(),
                          .train = every_element,
                          .output_node = output_node,
                          .target_csv = (scratch / "zero.csv").string(),
                          .duration_s = duration_s,
                          .step_s = options.step_s};
  const CircuitProblem built = BuildCircuitProblem(spec);
  GradientMethodSettings settings;
  settings.echo.beta = DefaultCircuitBeta(built);
  GradientRun run;
  const double cpu_started = CpuSeconds();
  run.echo = ComputeMeasured(*MakeGradientMethod("echo", settings), built.problem);
  run.echo_cpu_s = CpuSeconds() - cpu_started;
  if (!with_adjoint) return run;
  run.adjoint = ComputeMeasured(*MakeGradientMethod("adjoint", settings), built.problem);
  if (run.echo.ok() && run.adjoint.ok()) {
    const Vector& theta = built.problem.forward.theta;
    const Vector echo = run.echo.dL_dtheta.cwiseProduct(theta);
    const Vector adjoint = run.adjoint.dL_dtheta.cwiseProduct(theta);
    run.relative_error = (echo - adjoint).norm() / adjoint.norm();
  }
  return run;
}

// The exponent p of the least-squares fit log y = a + p log x.
double FitExponent(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<Eigen::Index>(x.size());
  Eigen::MatrixXd design(n, 2);
  Vector log_y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    design.row(i) << 1.0, std::log(x[static_cast<size_t>(i)]);
    log_y[i] = std::log(y[static_cast<size_t>(i)]);
  }
  return design.colPivHouseholderQr().solve(log_y)[1];
}

void RunCrossover(const Options& options, nlohmann::json* report) {
  fmt::print("dense vs sparse step time (yoshida4, {} steps)\n{:>8} {:>14} {:>14}\n",
             static_cast<long>(options.duration_s / options.step_s), "nodes", "dense us/step",
             "sparse us/step");
  for (const int sections : {0, 1, 3, 7, 15, 31, 63}) {
    const std::string text = LadderElements(sections);
    const ForwardRun dense = RunForward(text, options, MatrixStorage::kDense);
    const ForwardRun sparse = RunForward(text, options, MatrixStorage::kSparse);
    const double dense_us = 1e6 * dense.wall_s / static_cast<double>(dense.steps);
    const double sparse_us = 1e6 * sparse.wall_s / static_cast<double>(sparse.steps);
    fmt::print("{:>8} {:>14.2f} {:>14.2f}\n", dense.nodes, dense_us, sparse_us);
    (*report)["crossover"].push_back({{"nodes", dense.nodes},
                                      {"dense_us_per_step", dense_us},
                                      {"sparse_us_per_step", sparse_us}});
  }
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : 0.5 * (values[middle - 1] + values[middle]);
}

// Forward passes and echoes alternating, options.interleaved_repeats of each,
// on each ladder: the medians [min, max] of their wall and CPU times and the
// ratios of the medians; echo vs adjoint from the first repeat.
void RunInterleaved(const Options& options, const fs::path& scratch, nlohmann::json* report) {
  const int repeats = options.interleaved_repeats;
  fmt::print("forward and echo alternating, {} of each; median [min, max] (s)\n", repeats);
  fmt::print("{:<12} {:>24} {:>24} {:>9} {:>24} {:>24} {:>9} {:>9}\n", "case", "forward wall",
             "echo wall", "echo/fwd", "forward cpu", "echo cpu", "echo/fwd", "echo-adj");
  for (const int n : options.sections) {
    const std::string elements = LadderElements(n);
    std::vector<double> forward_s, echo_s, forward_cpu_s, echo_cpu_s;
    double echo_vs_adjoint = 0.0;
    for (int r = 0; r < repeats; ++r) {
      const ForwardRun forward = RunForward(elements, options, MatrixStorage::kAutomatic);
      forward_s.push_back(forward.wall_s);
      forward_cpu_s.push_back(forward.cpu_s);
      const GradientRun g =
          RunGradients(elements, "n3", options.duration_s, options, scratch, r == 0);
      if (!g.echo.ok() || (r == 0 && !g.adjoint.ok())) {
        throw SolverError(
            fmt::format("ladder_{}: echo {} / adjoint {}", n, g.echo.message, g.adjoint.message));
      }
      echo_s.push_back(g.echo.wall_time_s);
      echo_cpu_s.push_back(g.echo_cpu_s);
      if (r == 0) echo_vs_adjoint = g.relative_error;
    }
    const auto spread = [](const std::vector<double>& v) {
      return fmt::format("{:.3g} [{:.3g}, {:.3g}]", Median(v),
                         *std::min_element(v.begin(), v.end()),
                         *std::max_element(v.begin(), v.end()));
    };
    const double ratio = Median(echo_s) / Median(forward_s);
    const double cpu_ratio = Median(echo_cpu_s) / Median(forward_cpu_s);
    fmt::print("{:<12} {:>24} {:>24} {:>9.2f} {:>24} {:>24} {:>9.2f} {:>9.1e}\n",
               fmt::format("ladder_{}", n), spread(forward_s), spread(echo_s), ratio,
               spread(forward_cpu_s), spread(echo_cpu_s), cpu_ratio, echo_vs_adjoint);
    std::fflush(stdout);
    (*report)["interleaved"].push_back({{"case", fmt::format("ladder_{}", n)},
                                        {"forward_s", forward_s},
                                        {"echo_s", echo_s},
                                        {"forward_cpu_s", forward_cpu_s},
                                        {"echo_cpu_s", echo_cpu_s},
                                        {"echo_forward_passes", ratio},
                                        {"echo_forward_passes_cpu", cpu_ratio},
                                        {"echo_vs_adjoint", echo_vs_adjoint}});
  }
}

struct Case {
  std::string name, elements, first_node, output_node;
};

// The ladders of --sections and the lattice of --lattice, each with the node
// its ngspice comparison reads and the node its loss reads.
std::vector<Case> BenchCases(const Options& options) {
  std::vector<Case> cases;
  for (const int n : options.sections) {
    // The read-out a few sections in: the wave crosses a section in √(L C) = 0.5 ns.
    cases.push_back({fmt::format("ladder_{}", n), LadderElements(n), "n0", "n3"});
  }
  if (options.lattice_side > 0) {
    const int side = options.lattice_side;
    cases.push_back({fmt::format("lattice_{}x{}", side, side), LatticeElements(side), "n0_0",
                     fmt::format("n{0}_{0}", side - 1)});
  }
  return cases;
}

// The echo's peak memory on the 1,000-section ladder at each multiple of the
// duration in --memory-durations; false when an echo failed.
bool RunEchoMemory(const Options& options, const fs::path& scratch, nlohmann::json* report) {
  for (const double factor : options.memory_durations) {
    const int n = 1000;
    const GradientRun g =
        RunGradients(LadderElements(n), "n3", factor * options.duration_s, options, scratch, false);
    if (!g.echo.ok()) return false;
    fmt::print("echo on ladder_{} over {:.3g} s: peak memory {:.1f} MiB, {:.3g} s\n", n,
               factor * options.duration_s,
               static_cast<double>(g.echo.peak_memory_bytes) / (1024.0 * 1024.0),
               g.echo.wall_time_s);
    (*report)["echo_memory"].push_back({{"duration_s", factor * options.duration_s},
                                        {"peak_bytes", g.echo.peak_memory_bytes},
                                        {"echo_s", g.echo.wall_time_s}});
  }
  return true;
}

int Run(const Options& options) {
  const fs::path scratch =
      fs::temp_directory_path() / fmt::format("echolab_circuit_bench_{}", getpid());
  fs::create_directories(scratch);
  nlohmann::json report;
  if (options.crossover || options.interleaved_repeats > 0) {
    if (options.crossover) {
      RunCrossover(options, &report);
    } else {
      RunInterleaved(options, scratch, &report);
    }
    fs::remove_all(scratch);
    if (!options.json_path.empty()) std::ofstream(options.json_path) << report.dump(2) << "\n";
    return 0;
  }
  const std::vector<Case> cases = BenchCases(options);
  fmt::print("{:<16} {:>7} {:>9} {:>10} {:>11} {:>10} {:>9} {:>10} {:>9} {:>11} {:>9}\n", "case",
             "nodes", "nnz", "us/step", "forward s", "ngspice s", "vs spice", "echo s", "echo/fwd",
             "adjoint s", "echo-adj");
  std::vector<double> entries, per_step;
  for (const Case& c : cases) {
    const ForwardRun forward = RunForward(c.elements, options, MatrixStorage::kAutomatic);
    const SpiceRun spice = RunSpice(c.elements, c.first_node, forward, options, scratch);
    const double us = 1e6 * forward.wall_s / static_cast<double>(forward.steps);
    entries.push_back(static_cast<double>(forward.entries));
    per_step.push_back(us);
    nlohmann::json row = {{"case", c.name},
                          {"nodes", forward.nodes},
                          {"nnz", forward.entries},
                          {"steps", forward.steps},
                          {"us_per_step", us},
                          {"forward_s", forward.wall_s},
                          {"ngspice_s", spice.wall_s},
                          {"ngspice_ran", spice.ran},
                          {"ngspice_disagreement", spice.disagreement}};
    std::string gradient_columns = fmt::format("{:>10} {:>9} {:>11} {:>9}", "-", "-", "-", "-");
    const bool ladder = c.name.starts_with("ladder_");
    if (ladder && forward.nodes - 1 <= options.gradients_up_to) {
      const GradientRun g =
          RunGradients(c.elements, c.output_node, options.duration_s, options, scratch, true);
      if (!g.echo.ok() || !g.adjoint.ok()) {
        fmt::print(stderr, "{}: echo {} / adjoint {}\n", c.name, g.echo.message, g.adjoint.message);
        return 1;
      }
      gradient_columns =
          fmt::format("{:>10.3g} {:>9.2f} {:>11.3g} {:>9.1e}", g.echo.wall_time_s,
                      g.echo.wall_time_s / forward.wall_s, g.adjoint.wall_time_s, g.relative_error);
      row["echo_s"] = g.echo.wall_time_s;
      row["echo_forward_passes"] = g.echo.wall_time_s / forward.wall_s;
      row["echo_peak_bytes"] = g.echo.peak_memory_bytes;
      row["adjoint_s"] = g.adjoint.wall_time_s;
      row["adjoint_peak_bytes"] = g.adjoint.peak_memory_bytes;
      row["echo_vs_adjoint"] = g.relative_error;
    }
    fmt::print("{:<16} {:>7} {:>9} {:>10.2f} {:>11.3g} {:>10} {:>9} {}\n", c.name, forward.nodes,
               forward.entries, us, forward.wall_s,
               spice.ran ? fmt::format("{:.3g}", spice.wall_s) : "failed",
               spice.ran ? fmt::format("{:.1e}", spice.disagreement) : "-", gradient_columns);
    std::fflush(stdout);
    report["cases"].push_back(row);
  }
  if (entries.size() >= 2) {
    const double exponent = FitExponent(entries, per_step);
    fmt::print("per-step cost ~ nnz^{:.3f} (least squares over {} cases)\n", exponent,
               entries.size());
    report["per_step_exponent"] = exponent;
  }
  if (!RunEchoMemory(options, scratch, &report)) return 1;
  fs::remove_all(scratch);
  if (!options.json_path.empty()) std::ofstream(options.json_path) << report.dump(2) << "\n";
  return 0;
}

}  // namespace
}  // namespace echolab::bench

int main(int argc, char** argv) {
  echolab::bench::Options options;
  bool quick = false;
  CLI::App app{"echolab_circuit_bench: circuits at hardware size, beside ngspice"};
  app.add_option("--sections", options.sections, "Ladder sizes")->delimiter(',');
  app.add_option("--lattice", options.lattice_side, "Side of the 2-D lattice (0: none)");
  app.add_option("--duration", options.duration_s, "Simulated time (s)");
  app.add_option("--step", options.step_s, "Fixed step (s)");
  app.add_option("--gradients-up-to", options.gradients_up_to,
                 "Largest ladder (sections) whose echo and adjoint gradients are measured");
  app.add_option("--memory-durations", options.memory_durations,
                 "Durations (x --duration) of the echo memory runs on 1,000 sections")
      ->delimiter(',');
  app.add_flag("--crossover", options.crossover, "Only time dense against sparse on small ladders");
  app.add_flag("--quick", quick, "A smoke run: small ladders, a short duration");
  app.add_option("--interleaved", options.interleaved_repeats,
                 "Only time N forward passes and N echoes, alternating, on each ladder of "
                 "--sections (medians)")
      ->check(CLI::PositiveNumber);
  app.add_option("--json", options.json_path, "Write the figures as JSON");
  CLI11_PARSE(app, argc, argv);
  if (quick) {
    options.sections = {10, 40};
    options.lattice_side = 6;
    options.duration_s = 2e-10;
    options.gradients_up_to = 40;
    options.memory_durations = {};
  }
  try {
    return echolab::bench::Run(options);
  } catch (const echolab::InputError& error) {
    fmt::print(stderr, "echolab_circuit_bench: {}\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    fmt::print(stderr, "echolab_circuit_bench: {}\n", error.what());
    return 1;
  }
}
