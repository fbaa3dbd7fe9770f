// The node-flux Hamiltonian of LC netlists: closed forms, Josephson
// derivatives at the flux-quantum scale, initial conditions, and node
// voltages cross-checked against ngspice (which must be installed).

#include "circuits/circuit_hamiltonian.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numbers>
#include <sstream>

#include "circuits/netlist_parser.h"
#include "circuits/node_voltmeter.h"
#include "common/error.h"
#include "physics/integrator.h"
#include "physics/memory_budget.h"
#include "sims/validation/ngspice_runner.h"
#include "tests/circuits/voltage_trace.h"

namespace echolab {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

// L C tank charged to 1 V: v(t) = cos(t / √(L C)).
TEST(CircuitHamiltonian, LcTankFollowsItsClosedForm) {
  const Netlist netlist =
      ParseNetlistText("tank\nL1 a 0 10n\nC1 a 0 1n ic=1\n.tran 10p 100n uic\n.end\n", "tank.cir");
  const double omega = 1.0 / std::sqrt(10e-9 * 1e-9);
  const VoltageTrace trace = SimulateVoltages(netlist, 100e-9, 5e-12);
  double worst = 0.0;
  for (size_t k = 0; k < trace.times_s.size(); ++k) {
    worst = std::max(worst, std::abs(trace.voltages_V[k][0] - std::cos(omega * trace.times_s[k])));
  }
  std::cout << fmt::format("LC tank: max |v - cos ωt| = {:.2e} V over 16 periods\n", worst);
  EXPECT_LT(worst, 1e-8);
}

TEST(CircuitHamiltonian, InitialConditionsGiveTheNodeVoltagesAndCurrents) {
  const Netlist netlist = ParseNetlistText(R"(two tanks
L1 a 0 10n ic=2m
C1 a 0 1n ic=1
L2 b 0 12n
C2 b 0 1n ic=0.25
Cc a b 0.1n ic=0.75
.end
)",
                                           "tanks.cir");
  const CircuitHamiltonian circuit(netlist);
  const PhaseState x = circuit.InitialState(netlist);
  Vector voltages, forces;
  circuit.KineticGradient(x.p, circuit.netlist_parameters(), &voltages);
  EXPECT_NEAR(voltages[0], 1.0, 1e-12);
  EXPECT_NEAR(voltages[1], 0.25, 1e-12);
  // Inductor L1 carries 2 mA: branch flux L i = 20 pWb on node a.
  EXPECT_NEAR(x.q[0], 10e-9 * 2e-3, 1e-20);
  EXPECT_NEAR(x.q[1], 0.0, 1e-20);
}

TEST(CircuitHamiltonian, ContradictoryInitialConditionsAreRejected) {
  const Netlist netlist = ParseNetlistText(
      "loop\nC1 a 0 1n ic=1\nC2 b 0 1n ic=0\nCc a b 1n ic=0.2\nL1 a 0 1n\n.end\n", "loop.cir");
  const CircuitHamiltonian circuit(netlist);
  try {
    circuit.InitialState(netlist);
    ADD_FAILURE() << "contradictory initial conditions accepted";
  } catch (const InputError& error) {
    // The loop a-b-ground: C1, C2 and Cc, not the inductor.
    EXPECT_THAT(error.what(),
                AllOf(HasSubstr("loop.cir:2:1: the initial capacitor voltages"),
                      HasSubstr("c1 (line 2), c2 (line 3), cc (line 4) cannot all hold"),
                      HasSubstr("correct or remove the ic=")));
  }
}

// What makes the Hamiltonian impossible or too big, named with the elements,
// their lines and the fix.
TEST(CircuitHamiltonian, RefusesSingularMatricesUnknownNodesAndHugeCircuitsWithTheirLocation) {
  const auto refusal = [](const std::string& text) {
    try {
      const CircuitHamiltonian circuit(ParseNetlistText(text, "m.cir"));
      circuit.NodeIndex("zz");
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(refusal("no C at a\nL1 a 0 1n\nL2 a b 1n\nC2 b 0 1p\n"),
              AllOf(HasSubstr("m.cir:2:1: node(s) a (first used by l1 here)"),
                    HasSubstr("capacitance matrix is singular"),
                    HasSubstr("add a capacitor from a to ground")));
  EXPECT_THAT(refusal("island\nC0 a 0 1p\nL1 a b 1n\nC1 b c 1p\nL2 c 0 1n\n"),
              HasSubstr("m.cir:3:1: node(s) b, c (first used by l1 here)"));
  EXPECT_THAT(refusal("K\nL1 a 0 1n\nL2 b 0 1n\nL3 c 0 1n\nC1 a 0 1p\nC2 b 0 1p\nC3 c 0 1p\n"
                      "K1 L1 L2 0.9\nK2 L2 L3 0.9\nK3 L1 L3 -0.9\n"),
              AllOf(HasSubstr("m.cir:8:1: the inductance matrix is not positive definite"),
                    HasSubstr("k1 (line 8), k2 (line 9), k3 (line 10)"),
                    HasSubstr("coefficients smaller")));
  EXPECT_THAT(refusal("tank\nC1 a 0 1p\nL1 a b 1n\nC2 b 0 1p\n"),
              HasSubstr("unknown node 'zz'; expected one of a, b"));
  std::string many = "many nodes\n";
  for (int i = 0; i < 2000; ++i) many += fmt::format("C{} n{} 0 1p\n", i, i);
  MemoryBudget::SetLimitGiB(0.005);
  const std::string huge = refusal(many);
  MemoryBudget::SetLimitGiB(MemoryBudget::kDefaultGiB);
  EXPECT_THAT(huge, AllOf(HasSubstr("m.cir: a circuit of 2000 nodes"),
                          HasSubstr("more than the limit of 0.005 GiB"), HasSubstr("--max-memory")));
}

// A node without capacitance behind a resistor is solved from Kirchhoff's law:
// V1 -> R -> a -> L -> ground with a DC step has i_L = (V/R)(1 - exp(-t R/L)),
// v_a = V exp(-t R/L) and Φ_a = L i_L, which the exact flow of the algebraic
// node reproduces to rounding at a step of a tenth of L/R.
TEST(CircuitHamiltonian, AlgebraicNodeOfAnRlCircuitFollowsItsClosedForm) {
  constexpr double kVolts = 2.0, kOhms = 50.0, kHenries = 25e-9;
  const Netlist netlist = ParseNetlistText("rl\nV1 in 0 DC 2\nR1 in a 50\nL1 a 0 25n\n", "rl.cir");
  const CircuitHamiltonian circuit(netlist);
  ASSERT_EQ(circuit.algebraic_nodes(), std::vector<std::string>{"a"});
  const VoltageTrace trace = SimulateVoltages(netlist, 2e-9, 50e-12);
  ASSERT_EQ(trace.times_s.size(), 41u);
  for (size_t k = 0; k < trace.times_s.size(); ++k) {
    const double decay = std::exp(-trace.times_s[k] * kOhms / kHenries);
    EXPECT_NEAR(trace.voltages_V[k][0], kVolts * decay, 1e-12 * kVolts) << trace.times_s[k];
  }
}

// On the shipped lc_ladder.cir, n1 (between the 50 ohm source resistor and L1)
// has no capacitor: its voltage is V_in - R1 i_L1, with V_in the PULSE and
// i_L1 = (Φ_n1 - Φ_n2) / L1, and its flux is the integral of that voltage
// (trapezoidal rule over the recorded samples, O(h²)).
TEST(CircuitHamiltonian, AlgebraicNodeVoltageIsTheSourceLessTheResistorsDrop) {
  const Netlist netlist =
      ParseNetlistFile(std::string(ECHOLAB_SOURCE_DIR) + "/circuits/examples/lc_ladder.cir");
  const CircuitHamiltonian circuit(netlist);
  ASSERT_EQ(circuit.algebraic_nodes(), std::vector<std::string>{"n1"});
  const int n1 = circuit.NodeIndex("n1"), n2 = circuit.NodeIndex("n2");
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .input = circuit.Inputs(),
                            .initial_state = circuit.InitialState(netlist),
                            .duration_s = 20e-9,
                            .dissipation = circuit.ResistiveDissipation()};
  const IntegratorOptions options{.scheme = "yoshida4", .step_s = 5e-12};
  NodeVoltmeter voltmeter(circuit, problem);
  double worst_law = 0.0, worst_flux = 0.0, largest_flux = 0.0, integral = 0.0;
  double previous_t = 0.0, previous_v = 0.0;
  const double start_flux = problem.initial_state.q[n1];
  const Trajectory run = Simulate(problem, options, [&](double t, const PhaseState& x) {
    // PULSE(0 1 1n 0.5n 0.5n 5n 100n)
    const double v_in = std::clamp(std::min((t - 1e-9) / 0.5e-9, (7e-9 - t) / 0.5e-9), 0.0, 1.0);
    const double i_l1 = (x.q[n1] - x.q[n2]) / 25e-9;
    const double v_n1 = voltmeter.At(t, x)[n1];
    worst_law = std::max(worst_law, std::abs(v_n1 - (v_in - 50.0 * i_l1)));
    integral += 0.5 * (t - previous_t) * (v_n1 + previous_v);
    previous_t = t;
    previous_v = v_n1;
    worst_flux = std::max(worst_flux, std::abs(x.q[n1] - start_flux - integral));
    largest_flux = std::max(largest_flux, std::abs(x.q[n1] - start_flux));
  });
  ASSERT_TRUE(run.ok()) << run.BriefReport();
  std::cout << fmt::format(
      "lc_ladder n1: |v - (V_in - R i_L)| <= {:.1e} V, |Φ - ∫v dt| <= {:.1e} of its peak\n",
      worst_law, worst_flux / largest_flux);
  EXPECT_LT(worst_law, 1e-12);
  EXPECT_LT(worst_flux, 1e-5 * largest_flux);
}

// The shipped lc_ladder.cir, read as it is by echolab (yoshida4 at 1 ps) and
// by ngspice with a 1 ps maximum step added to its .tran (at the default
// 50 ps, ngspice's trapezoidal rule is itself 4.6e-4 of the peak off its
// 1 ps result), agrees to 1e-4 of the peak with its node n1 solved from
// Kirchhoff's law.
TEST(CircuitHamiltonian, LcLadderWithANodeWithoutCapacitanceAgreesWithNgspice) {
  const fs::path path = fs::path(ECHOLAB_SOURCE_DIR) / "circuits" / "examples" / "lc_ladder.cir";
  const fs::path directory =
      fs::temp_directory_path() / fmt::format("echolab_ngspice_lc_ladder_{}", getpid());
  fs::remove_all(directory);
  fs::create_directories(directory);
  std::ifstream in(path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string tran = ".tran 50p 100n";
  ASSERT_NE(text.find(tran), std::string::npos);
  text.replace(text.find(tran), tran.size(), tran + " 0 1p");
  const NgspiceAgreement agreement = CompareWithNgspice(
      ParseNetlistFile(path.string()), text, {"n1", "n2", "n3", "n4"}, 100e-9, directory);
  ASSERT_GT(agreement.samples, 1000u);
  std::cout << fmt::format("lc_ladder.cir: max |Δv| = {:.2e} V, peak {:.3g} V, ratio {:.2e}\n",
                           agreement.worst_V, agreement.peak_V,
                           agreement.worst_V / agreement.peak_V);
  EXPECT_LT(agreement.worst_V, 1e-4 * agreement.peak_V);
  fs::remove_all(directory);
}

// A junction shunted by a capacitor, at phases of order one: derivatives of
// the cosine potential against central differences at the Φ0 scale, with
// dense and with sparse matrices.
class JosephsonDerivatives : public ::testing::TestWithParam<MatrixStorage> {};

TEST_P(JosephsonDerivatives, AtTheFluxQuantumScale) {
  const Netlist netlist = ParseNetlistText(
      "junction\nB1 a 0 icrit=1u\nC1 a 0 1p\nL1 a b 1n\nC2 b 0 2p\nB2 b 0 ej=1e-22\n.end\n",
      "jj.cir");
  const CircuitHamiltonian circuit(netlist, CircuitOptions{.storage = GetParam()});
  EXPECT_EQ(circuit.dense(), GetParam() == MatrixStorage::kDense);
  const Vector theta = circuit.netlist_parameters();
  const Vector flux = Vector{{0.37, -0.81}} * kFluxQuantum_Wb;
  const Vector direction = Vector{{0.6, 0.3}} * kFluxQuantum_Wb;
  const double h = 1e-6 * kFluxQuantum_Wb;
  const auto energy = [&](const Vector& q, const Vector& th) {
    return circuit.PotentialEnergy(q, th, Vector());
  };
  Vector gradient, hessian, parameter_gradient, mixed;
  circuit.PotentialGradient(flux, theta, Vector(), &gradient);
  circuit.PotentialHessianProduct(flux, theta, Vector(), direction, &hessian);
  circuit.PotentialParameterGradient(flux, theta, Vector(), &parameter_gradient);
  circuit.PotentialMixedProduct(flux, theta, Vector(), direction, &mixed);
  for (int i = 0; i < 2; ++i) {
    Vector plus = flux, minus = flux;
    plus[i] += h;
    minus[i] -= h;
    const double numeric = (energy(plus, theta) - energy(minus, theta)) / (2 * h);
    EXPECT_NEAR(gradient[i], numeric, 1e-6 * std::abs(numeric)) << "dV/dPhi_" << i;
  }
  const double t = 1e-6;
  Vector g_plus, g_minus;
  circuit.PotentialGradient(flux + t * direction, theta, Vector(), &g_plus);
  circuit.PotentialGradient(flux - t * direction, theta, Vector(), &g_minus);
  const Vector numeric_hessian = (g_plus - g_minus) / (2 * t);
  EXPECT_LT((hessian - numeric_hessian).norm(), 1e-6 * hessian.norm());
  for (int k = 0; k < theta.size(); ++k) {
    const double step = 1e-6 * std::abs(theta[k]);
    Vector plus = theta, minus = theta;
    plus[k] += step;
    minus[k] -= step;
    const double numeric = (energy(flux, plus) - energy(flux, minus)) / (2 * step);
    EXPECT_NEAR(parameter_gradient[k], numeric, 1e-6 * std::abs(numeric) + 1e-40)
        << circuit.parameter_names()[static_cast<size_t>(k)];
    circuit.PotentialGradient(flux, plus, Vector(), &g_plus);
    circuit.PotentialGradient(flux, minus, Vector(), &g_minus);
    const double numeric_mixed = (g_plus - g_minus).dot(direction) / (2 * step);
    EXPECT_NEAR(mixed[k], numeric_mixed, 1e-6 * std::abs(numeric_mixed) + 1e-40)
        << circuit.parameter_names()[static_cast<size_t>(k)];
  }
  // E_J = Φ0 I_c / 2π: the B2 card's ej=1e-22 J is held as its critical current.
  EXPECT_NEAR(theta[4], 2 * std::numbers::pi * 1e-22 / kFluxQuantum_Wb, 1e-12 * theta[4]);
}

INSTANTIATE_TEST_SUITE_P(Storage, JosephsonDerivatives,
                         ::testing::Values(MatrixStorage::kDense, MatrixStorage::kSparse));

TEST(CircuitHamiltonian, RefusesWhatItDoesNotModelWithTheLocation) {
  try {
    CircuitHamiltonian circuit(ParseNetlistText(
        "varactor\nV1 in 0 1\nC1 a in 1n nl=1e15\nL1 a 0 1n\n.end\n", "varactor.cir"));
    ADD_FAILURE() << "a varactor on a driven node was accepted";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("varactor.cir:3:"));
    EXPECT_THAT(error.what(), HasSubstr("c1"));
    EXPECT_THAT(error.what(), HasSubstr("drives"));
  }
  EXPECT_THROW(CircuitHamiltonian(ParseNetlistText(
                   "floating\nC1 a 0 1n\nL1 a b 1n\nL2 b 0 1n\n.end\n", "floating.cir")),
               InputError);
}

// A varactor alone on its node: the node charge is the varactor's, so
// T(Q) = Q² / (2 C0) + b Q⁴ / 4 and v = ∂T/∂Q = Q / C0 + b Q³ in closed form.
// Beside a linear capacitor, the node charge of a voltage v is C v + Q(v).
TEST(CircuitHamiltonian, VaractorEnergyAndVoltageFollowTheChargeLaw) {
  const double c0 = 100e-12, b = 3e29;
  const CircuitHamiltonian alone(
      ParseNetlistText("tank\nC1 a 0 100p nl=3e29\nL1 a 0 100n\n.end\n", "alone.cir"));
  EXPECT_FALSE(alone.HasQuadraticKineticEnergy());
  for (double charge : {-2e-10, -5e-11, 1e-12, 7e-11, 3e-10}) {
    const Vector p = Vector::Constant(1, charge);
    Vector voltage;
    alone.KineticGradient(p, alone.netlist_parameters(), &voltage);
    const double energy = charge * charge / (2 * c0) + b * std::pow(charge, 4) / 4;
    const double law = charge / c0 + b * std::pow(charge, 3);
    EXPECT_NEAR(alone.KineticEnergy(p, alone.netlist_parameters()), energy, 1e-13 * energy);
    EXPECT_NEAR(voltage[0], law, 1e-13 * std::abs(law));
  }
  const CircuitHamiltonian parallel(ParseNetlistText(
      "pair\nC1 a 0 100p nl=3e29\nC2 a 0 50p\nC3 a b 20p\nC4 b 0 80p nl=1e30\nL1 a b 100n\n"
      "L2 b 0 1u\n.end\n",
      "pair.cir"));
  // v → Q: the charges of node voltages (0.8 V, -0.3 V); then Q → v again.
  const double va = 0.8, vb = -0.3;
  const auto varactor_charge = [](double voltage, double c, double cubic) {
    double q = c * voltage;  // bisection on the monotone law, as an independent solver
    double low = -std::abs(q) - 1e-9, high = std::abs(q) + 1e-9;
    for (int k = 0; k < 200; ++k) {
      q = 0.5 * (low + high);
      (q / c + cubic * q * q * q > voltage ? high : low) = q;
    }
    return q;
  };
  const double qa = varactor_charge(va, c0, b) + 50e-12 * va + 20e-12 * (va - vb);
  const double qb = varactor_charge(vb, 80e-12, 1e30) + 20e-12 * (vb - va);
  Vector voltages;
  parallel.KineticGradient((Vector(2) << qa, qb).finished(), parallel.netlist_parameters(),
                           &voltages);
  EXPECT_NEAR(voltages[0], va, 1e-12);
  EXPECT_NEAR(voltages[1], vb, 1e-12);

  // ic= of varactors and capacitors, in any order, set the initial node voltages.
  const Netlist with_ic = ParseNetlistText(
      "ic\nC1 a 0 100p nl=3e29 ic=0.8\nC2 b 0 50p ic=-0.3\nC4 b 0 80p nl=1e30 ic=-0.3\n"
      "L1 a b 100n\nL2 b 0 1u\n.end\n",
      "ic.cir");
  const CircuitHamiltonian charged(with_ic);
  charged.KineticGradient(charged.InitialState(with_ic).p, charged.netlist_parameters(), &voltages);
  EXPECT_NEAR(voltages[0], 0.8, 1e-12);
  EXPECT_NEAR(voltages[1], -0.3, 1e-12);
}

// Resistors next to varactors need an adaptive scheme: the exact damping
// sub-steps of the fixed-step schemes assume a quadratic kinetic energy.
TEST(CircuitHamiltonian, VaractorsWithResistorsRefuseTheExactDampingSubSteps) {
  const CircuitHamiltonian circuit(ParseNetlistText(
      "lossy\nC1 a 0 100p nl=3e29 ic=1\nL1 a 0 100n\nR1 a 0 1k\n.end\n", "lossy.cir"));
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .initial_state = {Vector::Zero(1), Vector::Constant(1, 1e-10)},
                            .duration_s = 10e-9,
                            .dissipation = circuit.ResistiveDissipation()};
  IntegratorOptions options;
  options.scheme = "yoshida4";
  options.step_s = 1e-12;
  try {
    Simulate(problem, options);
    ADD_FAILURE() << "yoshida4 damped a varactor circuit";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("quadratic"));
    EXPECT_THAT(error.what(), HasSubstr("adaptive"));
  }
  options.scheme = "arkode_dopri5";
  options.rtol = 1e-10;
  options.atol = 1e-24;
  const Trajectory run = Simulate(problem, options);
  ASSERT_TRUE(run.ok()) << run.BriefReport();
  // The resistor drains the tank.
  const double start = circuit.KineticEnergy(run.states.front().p, problem.theta);
  const double end = circuit.Energy(run.states.back(), problem.theta, Vector());
  EXPECT_LT(end, 0.9 * start);
}

// Voltage sources that the substrate cannot turn into driven nodes, each
// refused with the source's line and what was expected.
TEST(CircuitHamiltonian, RefusesVoltageSourceLoopsAndFloatingSources) {
  const auto refusal = [](const std::string& text) {
    try {
      CircuitHamiltonian circuit(ParseNetlistText(text, "v.cir"));
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  const std::string loop = refusal("loop\nV1 a 0 1\nV2 a 0 2\nC1 a b 1n\nC2 b 0 1n\n.end\n");
  EXPECT_THAT(loop, HasSubstr("v.cir:3:"));
  EXPECT_THAT(loop, HasSubstr("loop of voltage sources"));
  const std::string floating =
      refusal("floating\nV1 a b 1\nC1 a 0 1n\nC2 b 0 1n\nL1 a 0 1n\n.end\n");
  EXPECT_THAT(floating, HasSubstr("v.cir:2:"));
  EXPECT_THAT(floating, HasSubstr("one terminal at ground"));
  const std::string alone = refusal("alone\nV1 a 0 1\nC1 b 0 1n\nL1 b 0 1n\n.end\n");
  EXPECT_THAT(alone, HasSubstr("v.cir:2:"));
  EXPECT_THAT(alone, HasSubstr("series with nothing"));
  const std::string jump =
      refusal("jump\nV1 a 0 PULSE(0 1 1n 0 1n 1n 10n)\nC1 a b 1n\nC2 b 0 1n\n.end\n");
  EXPECT_THAT(jump, HasSubstr("v.cir:2:"));
  EXPECT_THAT(jump, HasSubstr("tr > 0"));
  // A chain of two sources is a driven node referenced to another one.
  EXPECT_EQ(refusal("chain\nV1 a 0 1\nV2 b a 2\nC1 b c 1n\nL1 c 0 1n\n.end\n"), "accepted");
}

TEST(CircuitHamiltonian, DrivenNodesLeaveTheStateAndRefuseAVoltageRead_out) {
  const CircuitHamiltonian circuit(ParseNetlistText(
      "driven\nV1 in 0 SIN(0 1 1meg)\nC1 in a 1n\nL1 a 0 1u\nC2 a 0 1n\n.end\n", "d.cir"));
  EXPECT_EQ(circuit.num_dof(), 1);
  EXPECT_EQ(circuit.num_inputs(), 3);
  try {
    circuit.NodeIndex("in");
    ADD_FAILURE() << "the driven node was given a state index";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("d.cir:2:"));
  }
}

// Johnson-Nyquist noise of the resistors (baoab with the conductance
// matrix): in equilibrium the node charges have ⟨Q Qᵀ⟩ = kB T C, whatever the
// resistors, each entry within 5 batch-means standard errors.
TEST(CircuitHamiltonian, ResistorNoiseThermalisesTheChargesToKbTC) {
  const Netlist netlist = ParseNetlistText(R"(RLC network in natural units
C1 a 0 1
C2 b 0 2
Cab a b 0.5
L1 a 0 1
L2 b 0 1.5
R1 a 0 2
Rab a b 3
R2 b 0 1
.end
)",
                                           "noisy.cir");
  const CircuitHamiltonian circuit(netlist);
  constexpr double kThermalEnergy_J = 0.1, kBurnIn_s = 50.0, kDuration_s = 8050.0;
  constexpr int kBatches = 40;
  SimulationProblem problem{.system = &circuit,
                            .theta = circuit.netlist_parameters(),
                            .initial_state = {Vector::Zero(2), Vector::Zero(2)},
                            .duration_s = kDuration_s,
                            .dissipation = circuit.ResistiveDissipation(),
                            .noise = {.thermal_energy_J = kThermalEnergy_J, .seed = 5}};
  IntegratorOptions options;
  options.scheme = "baoab";
  options.step_s = 0.02;
  options.record_states = false;
  const long per_batch = std::lround((kDuration_s - kBurnIn_s) / options.step_s / kBatches);
  std::vector<Eigen::Matrix2d> batches(kBatches, Eigen::Matrix2d::Zero());
  long sample = 0;
  const Trajectory run = Simulate(problem, options, [&](double t, const PhaseState& x) {
    if (t <= kBurnIn_s || sample >= per_batch * kBatches) return;
    batches[static_cast<size_t>(sample / per_batch)] += x.p * x.p.transpose() / per_batch;
    ++sample;
  });
  ASSERT_TRUE(run.ok()) << run.BriefReport();
  Eigen::Matrix2d capacitance;
  capacitance << 1.5, -0.5, -0.5, 2.5;
  const Eigen::Matrix2d expected = kThermalEnergy_J * capacitance;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      double mean = 0.0, square = 0.0;
      for (const auto& batch : batches) mean += batch(i, j) / kBatches;
      for (const auto& batch : batches) square += std::pow(batch(i, j) - mean, 2);
      const double standard_error = std::sqrt(square / (kBatches - 1) / kBatches);
      std::cout << fmt::format("<Q_{} Q_{}> = {:.4f}, kB T C = {:.4f}, standard error {:.4f}\n",
                               i + 1, j + 1, mean, expected(i, j), standard_error);
      EXPECT_NEAR(mean, expected(i, j), 5.0 * standard_error);
      EXPECT_LT(standard_error, 0.05 * expected.cwiseAbs().maxCoeff());
    }
  }
}

// ---------------------------------------------------------------------------
// Cross-check against ngspice: the same netlist, simulated by both.

struct CrossCheckCase {
  const char* name;
  const char* netlist;
  std::vector<std::string> nodes;
  double duration_s;
  // What ngspice runs, when the netlist uses an echolab extension (varactors).
  const char* ngspice_netlist = nullptr;
};

class NgspiceCrossCheck : public ::testing::TestWithParam<CrossCheckCase> {};

// A 40-section ladder (the sparse matrices and the exact damping flow over
// the two resistors' nodes), fed by a pulsed source through a 50 Ω resistor,
// the first two inductors coupled, a 50 Ω load.
const char* FortySectionLadder() {
  static const std::string text = [] {
    std::string netlist =
        "Forty-section LC ladder\nV1 in 0 PULSE(0 1 2n 3n 3n 10n 40n)\nR1 in n0 50\n"
        "C0 n0 0 10p\n";
    for (int i = 1; i <= 40; ++i) {
      netlist += fmt::format("L{} n{} n{} 25n\nC{} n{} 0 10p\n", i, i - 1, i, i, i);
    }
    return netlist + "K1 L1 L2 0.1\nR2 n40 0 50\n.tran 1p 60n 0 1p uic\n.end\n";
  }();
  return text.c_str();
}

TEST_P(NgspiceCrossCheck, NodeVoltagesAgreeWithinOneTenThousandthOfThePeak) {
  const CrossCheckCase& c = GetParam();
  const fs::path directory =
      fs::temp_directory_path() / fmt::format("echolab_ngspice_{}_{}", c.name, getpid());
  fs::remove_all(directory);
  fs::create_directories(directory);
  const Netlist netlist = ParseNetlistText(c.netlist, c.name);
  const CircuitHamiltonian circuit(netlist);
  EXPECT_EQ(circuit.dense(), circuit.num_dof() <= kDenseNodeLimit);
  const NgspiceAgreement agreement = CompareWithNgspice(
      netlist, c.ngspice_netlist ? c.ngspice_netlist : c.netlist, c.nodes, c.duration_s, directory);
  ASSERT_GT(agreement.samples, 1000u);
  std::cout << fmt::format(
      "{}: {} ngspice samples, max |Δv| = {:.2e} V, peak {:.3g} V, "
      "ratio {:.2e}\n",
      c.name, agreement.samples, agreement.worst_V, agreement.peak_V,
      agreement.worst_V / agreement.peak_V);
  EXPECT_LT(agreement.worst_V, 1e-4 * agreement.peak_V);
  fs::remove_all(directory);
}

INSTANTIATE_TEST_SUITE_P(
    Circuits, NgspiceCrossCheck,
    ::testing::Values(CrossCheckCase{"varactor_tank",
                                     R"(Varactor tank coupled to a linear tank, driven by a sine
I1 0 a SIN(0 10m 40meg)
L1 a 0 100n
C1 a 0 100p nl=3e29
L2 b 0 120n
C2 b 0 100p
Cc a b 10p
.tran 1p 150n 0 1p uic
.end
)",
                                     {"a", "b"},
                                     150e-9,
                                     // The varactor as ngspice elements: its charge Q
                                     // integrates the current through Vs1 onto Cq1
                                     // (v(q1) = Q / 100p), and B1 sets V(Q) = Q/C0 + b Q³.
                                     R"(Varactor tank, the varactor behavioural
I1 0 a SIN(0 10m 40meg)
L1 a 0 100n
Vs1 a s1 0
B1 s1 0 V = v(q1) + 3e29 * (1e-10 * v(q1)) * (1e-10 * v(q1)) * (1e-10 * v(q1))
F1 0 q1 Vs1 1
Cq1 q1 0 100p
Rq1 q1 0 1e15
L2 b 0 120n
C2 b 0 100p
Cc a b 10p
.tran 1p 150n 0 1p uic
.end
)"},
                      CrossCheckCase{"coupled_tanks",
                                     R"(Two LC tanks coupled by a capacitor
L1 a 0 10n
C1 a 0 1n ic=1
L2 b 0 12n
C2 b 0 1n ic=0
Cc a b 0.1n ic=1
.tran 1p 200n 0 1p uic
.end
)",
                                     {"a", "b"},
                                     200e-9},
                      CrossCheckCase{"mutual_inductance",
                                     R"(Two tanks coupled by K, driven by a sine current
I1 0 a SIN(0 1m 40meg)
L1 a 0 100n
C1 a 0 100p
L2 b 0 80n
C2 b 0 120p
K12 L1 L2 0.1
.tran 1p 150n 0 1p uic
.end
)",
                                     {"a", "b"},
                                     150e-9},
                      CrossCheckCase{"ladder",
                                     R"(Three-section LC ladder driven by a current pulse
I1 0 n1 PULSE(0 10m 1n 2n 2n 5n 1)
C1 n1 0 10p
L1 n1 n2 25n
C2 n2 0 10p
L2 n2 n3 25n
C3 n3 0 10p
L3 n3 0 50n
.tran 1p 100n 0 1p uic
.end
)",
                                     {"n1", "n2", "n3"},
                                     100e-9},
                      CrossCheckCase{"lossy_ladder",
                                     R"(LC ladder with source and load resistors, sine-driven
I1 0 n1 SIN(0 10m 70meg)
R1 n1 0 200
C1 n1 0 10p
L1 n1 n2 25n
C2 n2 0 10p
L2 n2 n3 25n
K1 L1 L2 0.2
C3 n3 0 10p
R3 n3 0 50
Rc n1 n3 1k
.tran 1p 150n 0 1p uic
.end
)",
                                     {"n1", "n2", "n3"},
                                     150e-9},
                      CrossCheckCase{"sine_voltage_through_capacitor",
                                     R"(LC tank driven by a sine voltage source through a capacitor
V1 in 0 SIN(0 1 30meg 5n 2e6)
Cin in a 20p
L1 a 0 100n
C1 a 0 100p
.tran 1p 200n 0 1p uic
.end
)",
                                     {"a"},
                                     200e-9},
                      CrossCheckCase{
                          "pwl_voltage_through_inductor",
                          R"(Three-section LC ladder driven by a PWL voltage through an inductor
V1 in 0 PWL(0 0 2n 0 5n 1 20n 1 24n -0.5 40n 0)
Lin in n1 25n
C1 n1 0 10p
L1 n1 n2 25n
C2 n2 0 10p
L2 n2 n3 25n
C3 n3 0 10p
.tran 1p 100n 0 1p uic
.end
)",
                          {"n1", "n2", "n3"},
                          100e-9},
                      CrossCheckCase{"pulse_voltage_through_resistor",
                                     R"(RLC driven by a pulsed voltage source through a resistor
V1 in 0 PULSE(0 1 2n 3n 3n 10n 40n)
R1 in a 50
C1 a 0 20p
L1 a b 50n
C2 b 0 20p
L2 b 0 80n
.tran 1p 120n 0 1p uic
.end
)",
                                     {"a", "b"},
                                     120e-9},
                      CrossCheckCase{"ladder_40_sections_sparse", FortySectionLadder(),
                                     {"n0", "n20", "n40"},
                                     60e-9}),
    [](const ::testing::TestParamInfo<CrossCheckCase>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace echolab
