// `echolab gradcheck NETLIST.cir ...`: gradients of a node-voltage loss with
// respect to element values, by the echo, the adjoint and finite differences.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <string>
#include <vector>

#include "circuits/netlist_parser.h"
#include "sims/command_line.h"
#include "sims/ladder_netlist.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::RunEcholab;
using ::testing::HasSubstr;

const std::string kLadder = echolab::testing::LadderNetlist();

class CircuitGradcheck : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::ScratchDirectory(
        ("echolab_circuit_" +
         std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    std::ofstream(directory_ / "ladder.cir") << kLadder;
    std::ofstream target(directory_ / "target.csv");
    target << "t,y\n";
    for (int k = 0; k <= 40; ++k) {
      const double t = k * 1e-9;
      target << fmt::format("{:.12g},{:.12g}\n", t, 0.2 * std::sin(2 * std::numbers::pi * 5e7 * t));
    }
  }
  void TearDown() override { fs::remove_all(directory_.parent_path()); }

  std::string Arguments(const std::string& extra) const {
    return fmt::format("gradcheck {} --output n3 --target {} --duration 40e-9 -o {} {}",
                       (directory_ / "ladder.cir").string(), (directory_ / "target.csv").string(),
                       (directory_ / "out").string(), extra);
  }

  fs::path directory_;
};

TEST_F(CircuitGradcheck, EchoAdjointAndFiniteDifferencesAgreeOnALosslessCircuit) {
  const auto result =
      RunEcholab(Arguments("--train c1,L1,k1,C3,l3 --methods echo,adjoint,fd --json"), false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["parameters"], nlohmann::json::array({"c1", "l1", "k1", "c3", "l3"}));
  EXPECT_GT(json["loss"].get<double>(), 0.0);
  for (const char* method : {"echo", "adjoint", "fd"}) {
    EXPECT_EQ(json["gradients"][method].size(), 5u) << method;
  }
  const double echo_error = json["relative_errors"]["echo"].get<double>();
  const double fd_error = json["relative_errors"]["fd"].get<double>();
  std::cout << fmt::format("ladder: echo vs adjoint {:.2e}, fd vs adjoint {:.2e}\n", echo_error,
                           fd_error);
  EXPECT_LT(echo_error, 1e-5);
  EXPECT_LT(fd_error, 1e-6);
  EXPECT_TRUE(fs::exists(directory_ / "out" / "gradcheck.json"));
}

// A voltage source drives the ladder through a capacitor (its dV/dt enters as
// a current) and an inductor (its flux ∫V dt): the echo replays both inputs
// with their parities and still agrees with the adjoint.
TEST_F(CircuitGradcheck, EchoMatchesTheAdjointOnAVoltageDrivenCircuit) {
  std::ofstream(directory_ / "ladder.cir") << R"(Ladder driven by a voltage source
V1 in 0 SIN(0 0.5 60meg)
Cc in n1 5p
C1 n1 0 10p
L1 n1 n2 25n
C2 n2 0 10p
Lc in n2 100n
L2 n2 n3 25n
K1 L1 L2 0.1
C3 n3 0 10p
L3 n3 0 50n
.end
)";
  const auto result =
      RunEcholab(Arguments("--train cc,c1,lc,l1,k1,c3 --methods echo,adjoint,fd --json"), false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  const double echo_error = json["relative_errors"]["echo"].get<double>();
  const double fd_error = json["relative_errors"]["fd"].get<double>();
  std::cout << fmt::format("voltage-driven ladder: echo vs adjoint {:.2e}, fd vs adjoint {:.2e}\n",
                           echo_error, fd_error);
  EXPECT_LT(echo_error, 1e-5);
  EXPECT_LT(fd_error, 1e-6);
}

// Varactors (V(Q) = Q/C0 + b Q³, strongly nonlinear at the ladder's voltages):
// the echo's error against the adjoint falls like β² (slope fitted over two
// decades) and, at the default β (1e-4 × the smallest capacitance), is within
// the acceptance bound of a lossless circuit.
TEST_F(CircuitGradcheck, EchoMatchesTheAdjointOnAVaractorLadder) {
  std::string text = kLadder;
  text.replace(text.find("C2 n2 0 10p"), 11, "C2 n2 0 10p nl=3e31");
  text.replace(text.find("C3 n3 0 10p"), 11, "C3 n3 0 10p nl=1e31");
  std::ofstream(directory_ / "ladder.cir") << text;
  const auto errors = [&](const std::string& options) {
    const auto result =
        RunEcholab(Arguments("--train c1,c2,c3,l1,k1 --json --methods " + options), false);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return nlohmann::json::parse(result.output)["relative_errors"];
  };
  const nlohmann::json at_default_beta = errors("echo,adjoint,fd");
  const double at_default = at_default_beta["echo"].get<double>();
  const double fd_error = at_default_beta["fd"].get<double>();
  const double coarse = errors("echo,adjoint --beta 1e-12")["echo"].get<double>();
  const double fine = errors("echo,adjoint --beta 1e-13")["echo"].get<double>();
  const double slope = std::log10(coarse / fine);
  std::cout << fmt::format(
      "varactor ladder: echo vs adjoint {:.2e} (default beta), {:.2e} (1e-12), {:.2e} (1e-13), "
      "slope {:.2f}; fd vs adjoint {:.2e}\n",
      at_default, coarse, fine, slope, fd_error);
  EXPECT_NEAR(slope, 2.0, 0.3);
  EXPECT_LT(at_default, 1e-5);
  EXPECT_LT(fd_error, 1e-6);
}

// The JSON report of `echolab ARGUMENTS` (with --json), which must succeed.
nlohmann::json GradcheckReport(const std::string& arguments) {
  const auto result = RunEcholab(arguments, false);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return nlohmann::json::parse(result.output);
}

// The ladder loaded by two resistors, run with `options`; the JSON report.
nlohmann::json RunLossyLadder(const fs::path& directory, const std::string& arguments) {
  std::string lossy = kLadder;
  lossy.replace(lossy.find(".end"), 4, "R1 n1 0 500\nR3 n3 0 300\n.end");
  std::ofstream(directory / "ladder.cir") << lossy;
  return GradcheckReport(arguments);
}

// A damped circuit's report: the adjoint matches finite differences, and the
// naive echo's deviation is reported (and warned about), not hidden.
void ExpectDampedAgreement(const nlohmann::json& json, const std::string& circuit) {
  const double fd_error = json["relative_errors"]["fd"].get<double>();
  const double echo_error = json["relative_errors"]["echo"].get<double>();
  std::cout << fmt::format("{}: fd vs adjoint {:.2e}; naive echo vs adjoint {:.2e}\n", circuit,
                           fd_error, echo_error);
  EXPECT_LT(fd_error, 1e-6);
  EXPECT_TRUE(std::isfinite(echo_error));
  EXPECT_GT(echo_error, 10 * fd_error);  // the echo does not retrace a damped pass
  ASSERT_TRUE(json.contains("warnings"));
  EXPECT_THAT(json["warnings"][0].get<std::string>(), HasSubstr("echo_damping = naive"));
}

// With resistors the adjoint of the damped circuit still matches finite
// differences.
TEST_F(CircuitGradcheck, AdjointMatchesFiniteDifferencesWithResistors) {
  ExpectDampedAgreement(
      RunLossyLadder(directory_,
                     Arguments("--train c1,l1,k1,c3,l3 --methods adjoint,fd,echo --json")),
      "lossy ladder");
}

// The shipped lc_ladder.cir, whose node n1 has no capacitance and follows
// Kirchhoff's law dΦ/dt = V_in - R i_L: the adjoint with that law's terms
// matches finite differences of the passes; the naive echo's deviation (the
// ladder is terminated at both ends) is reported. n1 cannot be read out.
TEST_F(CircuitGradcheck, AdjointMatchesFiniteDifferencesOnANodeWithoutCapacitance) {
  const std::string ladder =
      (fs::path(ECHOLAB_SOURCE_DIR) / "circuits" / "examples" / "lc_ladder.cir").string();
  const std::string common = fmt::format("gradcheck {} --target {} --duration 40e-9 -o {} ", ladder,
                                         (directory_ / "target.csv").string(),
                                         (directory_ / "out").string());
  ExpectDampedAgreement(
      GradcheckReport(common + "--output n3 --train c1,l1,l2,c3 --methods adjoint,fd,echo --json"),
      "lc_ladder.cir");
  const auto readout = RunEcholab(common + "--output n1 --train c1 --force");
  EXPECT_EQ(readout.exit_code, 2) << readout.output;
  EXPECT_THAT(readout.output, HasSubstr("no capacitance and is solved from Kirchhoff's law"));
}

// |e - a| / |a|, the cosine of e and a, and how many entries share a sign,
// for e_j = estimate_j × scale_j and a_j = reference_j × scale_j.
struct Agreement {
  double relative_error = 0.0;
  double cosine = 0.0;
  int same_sign = 0;
};

Agreement Agree(const nlohmann::json& estimate, const nlohmann::json& reference,
                const std::vector<double>& scales) {
  double difference = 0.0, norm = 0.0, dot = 0.0, estimate_norm = 0.0;
  Agreement agreement;
  for (size_t j = 0; j < scales.size(); ++j) {
    const double e = estimate[j].get<double>() * scales[j];
    const double a = reference[j].get<double>() * scales[j];
    difference += (e - a) * (e - a);
    norm += a * a;
    dot += e * a;
    estimate_norm += e * e;
    agreement.same_sign += (e > 0) == (a > 0);
  }
  agreement.relative_error = std::sqrt(difference / norm);
  agreement.cosine = dot / std::sqrt(norm * estimate_norm);
  return agreement;
}

// Gradients in F, H and a dimensionless K compared in one norm let the
// largest unit decide (a cosine of 0.999999994 beside a relative error of
// 0.6 and a wrong sign): the comparison is in dL/d log θ = dL/dθ × |θ|,
// recomputed here from the reported gradients and the element values.
TEST_F(CircuitGradcheck, ComparisonIsInScaleFreeCoordinates) {
  const nlohmann::json json =
      RunLossyLadder(directory_, Arguments("--train C1,L1,K1 --methods echo,adjoint --json"));
  const nlohmann::json& echo = json["gradients"]["echo"];
  const nlohmann::json& adjoint = json["gradients"]["adjoint"];
  const Agreement si = Agree(echo, adjoint, {1.0, 1.0, 1.0});
  const Agreement scale_free = Agree(echo, adjoint, {10e-12, 25e-9, 0.1});  // C1, L1, K1
  std::cout << fmt::format(
      "lossy ladder, C1, L1, K1: naive echo vs adjoint in SI units: relative error {:.3f}, cosine "
      "{:.9f}; in dL/d log theta: relative error {:.3f}, cosine {:.6f}, signs {}/3\n",
      si.relative_error, si.cosine, scale_free.relative_error, scale_free.cosine,
      scale_free.same_sign);
  EXPECT_NEAR(json["relative_errors"]["echo"].get<double>(), scale_free.relative_error, 1e-9);
  EXPECT_NEAR(json["cosine_similarities"]["echo"].get<double>(), scale_free.cosine, 1e-9);
  EXPECT_NEAR(json["sign_agreement"]["echo"].get<double>(), scale_free.same_sign / 3.0, 1e-12);
}

// The relative errors of a circuit's dL/dx0 by finite differences, whose
// steps follow each component's scale, against the adjoint.
TEST_F(CircuitGradcheck, InitialStateGradientsAgreeWithScaledFiniteDifferences) {
  const auto result = RunEcholab(Arguments("--train c1,l1 --methods adjoint,fd --json"), false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  const double whole = json["relative_errors_with_initial_state"]["fd"].get<double>();
  std::cout << fmt::format("ladder: fd vs adjoint with dL/dx0, scale-free: {:.2e}\n", whole);
  EXPECT_LT(whole, 1e-6);
  EXPECT_TRUE(json["run"]["adjoint_tolerances"].contains("absolute"));
  EXPECT_EQ(json["run"]["adjoint_tolerances"]["rtol"].get<double>(), 1e-11);
}

TEST_F(CircuitGradcheck, UnknownElementExitsTwoAndNamesTheChoices) {
  const auto result = RunEcholab(Arguments("--train C9"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("'C9'"));
  EXPECT_THAT(result.output, HasSubstr("c1, l1"));
  EXPECT_FALSE(fs::exists(directory_ / "out"));
}

TEST_F(CircuitGradcheck, MissingTargetAndBadNodeExitTwo) {
  const auto missing = RunEcholab(fmt::format("gradcheck {} --train C1 --output n3 --duration 1e-9",
                                              (directory_ / "ladder.cir").string()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("--target"));
  const auto node = RunEcholab(
      fmt::format("gradcheck {} --train C1 --output nowhere --target {} --duration 1e-9",
                  (directory_ / "ladder.cir").string(), (directory_ / "target.csv").string()));
  EXPECT_EQ(node.exit_code, 2);
  EXPECT_THAT(node.output, HasSubstr("nowhere"));
}

TEST_F(CircuitGradcheck, NetlistOptionsAreRefusedForTomlConfigurations) {
  std::ofstream(directory_ / "c.toml") << "[model]\n";
  const auto result = RunEcholab("gradcheck " + (directory_ / "c.toml").string() + " --train C1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("apply to netlists"));
}

TEST_F(CircuitGradcheck, SimulateWritesNodeVoltages) {
  std::ofstream(directory_ / "tank.cir") << "tank\nL1 a 0 10n\nC1 a 0 1n ic=1\n.tran 10p 20n uic\n";
  const fs::path out = directory_ / "sim";
  const auto result = RunEcholab(
      fmt::format("simulate {} -o {}", (directory_ / "tank.cir").string(), out.string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream csv(out / "voltages.csv");
  std::string header, first;
  std::getline(csv, header);
  std::getline(csv, first);
  EXPECT_EQ(header, "t_s,v(a)");
  EXPECT_EQ(first.substr(0, 2), "0,");
  EXPECT_TRUE(fs::exists(out / "voltages.png"));
  EXPECT_TRUE(fs::exists(out / "meta.json"));
}

// Elements of subcircuit instances are trained by their hierarchical names,
// and gradcheck writes the circuit it ran back as a netlist that reads back
// to the same element values.
TEST_F(CircuitGradcheck, TrainsSubcircuitElementsAndWritesTheCircuitBack) {
  const std::string netlist = R"(Ladder of subcircuit cells
.subckt cell in out params: l=25nH
L1 in out {l}
C1 out 0 10pF
.ends cell
I1 0 n0 SIN(0 10mA 50MEG)
C0 n0 0 10p
X1 n0 n1 cell
X2 n1 n3 cell l=30n
.print tran v(n3)
.end
)";
  std::ofstream(directory_ / "cells.cir") << netlist;
  const auto result = RunEcholab(
      fmt::format("gradcheck {} --train x1.c1,X2.L1 --output n3 --target {} --duration 40e-9 "
                  "--methods echo,adjoint -o {} --json",
                  (directory_ / "cells.cir").string(), (directory_ / "target.csv").string(),
                  (directory_ / "out").string()),
      false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["parameters"], nlohmann::json::array({"x1.c1", "x2.l1"}));
  EXPECT_LT(json["relative_errors"]["echo"].get<double>(), 1e-5);
  const echolab::Netlist original = echolab::ParseNetlistText(netlist, "cells.cir");
  const echolab::Netlist written =
      echolab::ParseNetlistFile((directory_ / "out" / "circuit.cir").string());
  ASSERT_EQ(written.elements.size(), original.elements.size());
  for (size_t i = 0; i < original.elements.size(); ++i) {
    EXPECT_EQ(written.elements[i].name, original.elements[i].name);
    EXPECT_EQ(written.elements[i].value, original.elements[i].value);
  }
}

TEST_F(CircuitGradcheck, SimulateWarnsOnceForEachKindOfSkippedCard) {
  std::ofstream(directory_ / "tank.cir")
      << "tank\nL1 a 0 10nH\nC1 a 0 1nF\n.ic v(a)=1\n.print tran v(a)\n.print tran i(L1)\n"
         ".control\nrun\nplot v(a)\n.endc\n.tran 10p 20n uic\n";
  const auto result = RunEcholab(fmt::format("simulate {} -o {} --no-plot",
                                             (directory_ / "tank.cir").string(),
                                             (directory_ / "sim").string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("tank.cir:5:1: .print skipped (2 cards)"));
  EXPECT_THAT(result.output, HasSubstr("tank.cir:7:1: .control skipped (1 block)"));
  std::ifstream csv(directory_ / "sim" / "voltages.csv");
  std::string header, first;
  std::getline(csv, header);
  std::getline(csv, first);
  // .ic v(a)=1 is the capacitor's initial voltage.
  EXPECT_EQ(header, "t_s,v(a)");
  EXPECT_NEAR(std::stod(first.substr(2)), 1.0, 1e-12);
}

TEST_F(CircuitGradcheck, SimulateWithResistorNoiseNeedsASeed) {
  std::ofstream(directory_ / "rc.cir") << "rc\nC1 a 0 1p\nL1 a 0 10n\nR1 a 0 100\n.tran 10p 5n\n";
  const std::string netlist = (directory_ / "rc.cir").string();
  const auto without_seed = RunEcholab(
      fmt::format("simulate {} --temperature 300 -o {}", netlist, (directory_ / "a").string()));
  EXPECT_EQ(without_seed.exit_code, 2);
  EXPECT_THAT(without_seed.output, HasSubstr("--seed"));
  const auto noisy =
      RunEcholab(fmt::format("simulate {} --temperature 300 --seed 4 --no-plot -o {}", netlist,
                             (directory_ / "b").string()));
  ASSERT_EQ(noisy.exit_code, 0) << noisy.output;
  EXPECT_THAT(noisy.output, HasSubstr("baoab"));
}

TEST_F(CircuitGradcheck, MalformedNetlistExitsTwoWithTheLocation) {
  std::ofstream(directory_ / "bad.cir") << "bad\nC1 a 0 1n\nL1 a 0 1k5\n.tran 1p 1n\n";
  const fs::path out = directory_ / "sim";
  const auto result =
      RunEcholab(fmt::format("simulate {} -o {}", (directory_ / "bad.cir").string(), out.string()));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("bad.cir:3:"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace

// A lossless tank charged to 1 V (C1's ic=) and nothing else: v(t) = cos(ω t),
// so with the target y = 0 the loss is the closed form
//   L = ∫_0^T ½ cos²(ω t) dt = T/4 + sin(2 ω T) / (8 ω),   ω = 1/√(L C).
// gradcheck starts from the netlist's initial conditions as simulate does
// (from zero fluxes and charges the loss would be 0).
TEST_F(CircuitGradcheck, StartsFromTheNetlistsInitialConditions) {
  std::ofstream(directory_ / "tank.cir") << "charged tank\nC1 a 0 1n ic=1\nL1 a 0 10n\n.end\n";
  std::ofstream(directory_ / "zero.csv") << "t,y\n0,0\n1e-7,0\n";
  const auto run = [&](const std::string& extra) {
    return RunEcholab(fmt::format("gradcheck {} --output a --target {} --duration 40e-9 --train "
                                  "c1,l1 -o {} {}",
                                  (directory_ / "tank.cir").string(),
                                  (directory_ / "zero.csv").string(),
                                  (directory_ / "out").string(), extra),
                      false);
  };
  const auto result = run("--methods echo,adjoint --scheme leapfrog --step 2e-12 --json --force");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  const double omega = 1.0 / std::sqrt(10e-9 * 1e-9), duration = 40e-9;
  const double closed_form = duration / 4 + std::sin(2 * omega * duration) / (8 * omega);
  EXPECT_NEAR(json["loss"].get<double>(), closed_form, 1e-5 * closed_form);
  EXPECT_EQ(json["run"]["integrator"]["scheme"], "leapfrog");
  EXPECT_LT(json["relative_errors"]["echo"].get<double>(), 1e-6);
}

TEST_F(CircuitGradcheck, SchemeAndTimeBudgetAreChecked) {
  const auto scheme = RunEcholab(Arguments("--train c1 --scheme rk4"));
  EXPECT_EQ(scheme.exit_code, 2) << scheme.output;
  EXPECT_THAT(scheme.output, HasSubstr("--scheme: unknown scheme 'rk4'"));
  EXPECT_THAT(scheme.output, HasSubstr("yoshida4"));
  // A budget spent by the first method: the rest are skipped and named, no output.
  const auto budget =
      RunEcholab(Arguments("--train c1 --methods echo,adjoint --time-budget 1e-9"));
  EXPECT_EQ(budget.exit_code, 1) << budget.output;
  EXPECT_THAT(budget.output, HasSubstr("--time-budget"));
  EXPECT_THAT(budget.output, HasSubstr("skipped adjoint"));
  EXPECT_FALSE(fs::exists(directory_ / "out"));
  const auto negative = RunEcholab(Arguments("--train c1 --time-budget -1"));
  EXPECT_EQ(negative.exit_code, 2) << negative.output;
}
