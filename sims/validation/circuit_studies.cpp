#include "sims/validation/circuit_studies.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "circuits/circuit_hamiltonian.h"
#include "circuits/netlist_parser.h"
#include "common/error.h"
#include "common/output_file.h"
#include "learning/adjoint_gradient.h"
#include "learning/echo_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning/gradient_comparison.h"
#include "physics/integrator.h"
#include "sims/validation/ngspice_runner.h"
#include "sims/validation/study_support.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLadder =
    R"(LC ladder: three sections and a mutual inductance, driven by a sine current
I1 0 n1 SIN(0 10m 60meg)
C1 n1 0 10p
L1 n1 n2 25n
C2 n2 0 10p
L2 n2 n3 25n
K1 L1 L2 0.1
C3 n3 0 10p
L3 n3 0 50n
.tran 1p 100n 0 1p uic
.end
)";

}  // namespace

// L = ∫_0^40ns ½ (v(n3) - 0.2 V sin(2π 50 MHz t))² dt, from rest.
GradientProblem LadderProblem(std::shared_ptr<const CircuitHamiltonian> circuit) {
  GradientProblem problem;
  problem.forward.system = circuit.get();
  problem.forward.theta = circuit->netlist_parameters();
  problem.forward.input = circuit->Inputs();
  problem.forward.initial_state = {Vector::Zero(circuit->num_dof()),
                                   Vector::Zero(circuit->num_dof())};
  problem.forward.duration_s = 40e-9;
  InputSignal target({{std::make_shared<SineWaveform>(0.2, 50e6), Parity::kEven}});
  problem.loss = std::make_shared<TrackingLoss>(
      std::make_shared<VelocityReadout>(circuit, std::vector<int>{circuit->NodeIndex("n3")}),
      target, Vector::Ones(1), Vector::Zero(1), Vector::Zero(1));
  problem.integrator.scheme = "yoshida4";
  problem.integrator.step_s = 4e-12;
  problem.integrator.rtol = 1e-10;
  problem.integrator.atol = 1e-24;
  return problem;
}

std::shared_ptr<const CircuitHamiltonian> LadderCircuit() {
  return std::make_shared<const CircuitHamiltonian>(ParseNetlistText(kLadder, "lc_ladder.cir"));
}

ValidationCheck CircuitGradientStudy(const fs::path& dir) {
  const auto circuit = LadderCircuit();
  const GradientProblem problem = LadderProblem(circuit);
  const GradientResult adjoint = ComputeOrThrow(AdjointGradient(), problem);
  const GradientResult echo = ComputeOrThrow(EchoGradient({.beta = 1e-9}), problem);
  const GradientResult fd = ComputeOrThrow(FiniteDifferenceGradient(), problem);
  WriteParameterGradients(dir / "parameters_lc_ladder.csv", circuit->parameter_names(),
                          problem.forward.theta, echo, adjoint, fd);
  const double echo_error = Compare(echo.dL_dtheta, adjoint.dL_dtheta).relative_error;
  const double fd_error = Compare(fd.dL_dtheta, adjoint.dL_dtheta).relative_error;
  ValidationCheck check{.id = "parameters_lc_ladder",
                        .title = "(e) Per-element gradients of an LC ladder",
                        .passed = echo_error < 1e-5 && fd_error < 1e-6};
  check.metrics = {{"echo_relative_error", echo_error}, {"fd_relative_error", fd_error}};
  check.paragraph = fmt::format(
      "dL/dθ for every element of a lossless three-section LC ladder with a mutual inductance "
      "(C in F, L in H, K dimensionless), driven by a 10 mA sine current at 60 MHz, for the loss "
      "∫ ½ (v(n3) − y(t))² dt over 40 ns with a 0.2 V sine target at 50 MHz: the echo (β = 1e-9, "
      "node voltages odd under the flip), the continuous adjoint and finite differences, shown "
      "scale-free as θ dL/dθ = dL/d ln θ (the change of L for a 100 % change of the element) so "
      "that capacitors, inductors and the coupling compare on one axis. Relative error against the "
      "adjoint: echo {:.2e}, finite differences {:.2e}. {} (echo < 1e-5, finite differences "
      "< 1e-6).",
      echo_error, fd_error, Verdict(check.passed));
  return check;
}

ValidationCheck CircuitNgspiceStudy(const fs::path& dir) {
  ValidationCheck check{.id = "ngspice_lc_ladder",
                        .title = "(f) echolab against ngspice: node voltages of the LC ladder"};
  const std::vector<std::string> nodes = {"n1", "n2", "n3"};
  const fs::path spice_dir = dir / "ngspice";
  fs::create_directories(spice_dir);
  NgspiceRows spice;
  try {
    spice = RunNgspice(kLadder, nodes, spice_dir);
  } catch (const SolverError& error) {
    check.paragraph = fmt::format("ngspice could not be run: {}. FAILED.", error.what());
    return check;
  }
  const Netlist netlist = ParseNetlistText(kLadder, "lc_ladder.cir");
  const CircuitHamiltonian circuit(netlist);
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .input = circuit.Inputs(),
                            .initial_state = circuit.InitialState(netlist),
                            .duration_s = netlist.tran->stop_s,
                            .dissipation = circuit.ResistiveDissipation()};
  IntegratorOptions options;
  options.scheme = "yoshida4";
  options.step_s = 1e-12;
  std::vector<double> times;
  std::vector<Vector> voltages;
  Vector v;
  const Trajectory run = Simulate(problem, options, [&](double t, const PhaseState& x) {
    circuit.KineticGradient(x.p, problem.theta, &v);
    times.push_back(t);
    voltages.push_back(v);
  });
  if (!run.ok()) throw SolverError("validation: the ladder simulation failed: " + run.message);
  // Ours, linearly interpolated at ngspice's time points (1 ps grid: the
  // interpolation error is ~1e-8 of the peak).
  const auto ours_at = [&](int node, double t) {
    const size_t k = std::min<size_t>(
        static_cast<size_t>(std::upper_bound(times.begin(), times.end(), t) - times.begin()),
        times.size() - 1);
    if (k == 0) return voltages.front()[node];
    const double w = (t - times[k - 1]) / (times[k] - times[k - 1]);
    return (1.0 - w) * voltages[k - 1][node] + w * voltages[k][node];
  };
  OutputFile csv((dir / "ngspice_lc_ladder.csv"));
  csv.Print("t_s,echolab_n1,echolab_n2,echolab_n3,ngspice_n1,ngspice_n2,ngspice_n3\n");
  double peak = 0.0, worst = 0.0;
  for (size_t r = 0; r < spice.size(); ++r) {
    const auto& row = spice[r];
    std::array<double, 3> ours{};
    for (int n = 0; n < 3; ++n) {
      ours[n] = ours_at(circuit.NodeIndex(nodes[n]), row[0]);
      peak = std::max(peak, std::abs(row[n + 1]));
      worst = std::max(worst, std::abs(ours[n] - row[n + 1]));
    }
    if (r % 100 == 0) {
      csv.Print("{:.9e},{:.9e},{:.9e},{:.9e},{:.9e},{:.9e},{:.9e}\n", row[0], ours[0], ours[1],
                ours[2], row[1], row[2], row[3]);
    }
  }
  csv.Close();
  check.passed = !spice.empty() && worst < 1e-4 * peak;
  check.metrics = {{"max_abs_difference_V", worst},
                   {"peak_V", peak},
                   {"relative_to_peak", worst / peak},
                   {"ngspice_samples", spice.size()}};
  check.paragraph = fmt::format(
      "Node voltages of the same ladder over 100 ns from rest, simulated by echolab (node-flux "
      "Hamiltonian, yoshida4 at 1 ps) and by ngspice (trapezoidal rule, 1 ps maximum step, "
      "reltol 1e-7) from the same netlist; lines: echolab, dashes: ngspice, lower panel: the "
      "difference. Largest difference over {} ngspice samples and 3 nodes: {:.2e} V, {:.2e} of "
      "the peak {:.3g} V. {} (threshold 1e-4 of the peak).",
      spice.size(), worst, worst / peak, peak, Verdict(check.passed));
  return check;
}

}  // namespace echolab
