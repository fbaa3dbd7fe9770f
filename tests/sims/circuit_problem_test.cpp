// The gradient problem of a netlist (sims/config/circuit_problem.h): the
// adjoint's tolerances follow the circuit's own scales, so that a linear
// circuit's relative error does not depend on its amplitude and a circuit of
// femtofarads is as accurate as one of picofarads; finite differences step
// the initial state in proportion to each component; a cubic target keeps
// the fourth-order loss.

#include "sims/config/circuit_problem.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numbers>
#include <string>

#include "common/error.h"
#include "learning/adjoint_gradient.h"
#include "learning/discrete_adjoint_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "sims/command_line.h"
#include "sims/ladder_netlist.h"

namespace echolab {
namespace {

namespace fs = std::filesystem;

// The shared ladder (sims/ladder_netlist.h) driven by a sine current of
// amplitude A with a target proportional to A scales as a whole with A:
// x ∝ A, L ∝ A², λ ∝ A, dL/dθ ∝ A².

// A ladder of femtofarads at 350 nA: charges ~1e-18 C, loss ~1e-13 V² s.
constexpr const char* kSmallLadder = R"(Small-signal ladder
I1 0 n1 SIN(0 350n 20g)
C1 n1 0 1f
L1 n1 n2 10n
C2 n2 0 2f
L2 n2 0 20n
.end
)";

class CircuitProblemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::ScratchDirectory(
        "echolab_circuit_problem_" +
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_.parent_path()); }

  // Writes `netlist` and a target y(t) = amplitude sin(2π f t) sampled every
  // `spacing_s` over `duration_s`.
  CircuitProblemSpec Write(const std::string& netlist, double amplitude, double frequency_Hz,
                           double spacing_s, double duration_s) const {
    std::ofstream(directory_ / "circuit.cir") << netlist;
    std::ofstream target(directory_ / "target.csv");
    target << "t,y\n";
    const long samples = std::lround(duration_s / spacing_s);
    for (long k = 0; k <= samples; ++k) {
      const double t = static_cast<double>(k) * spacing_s;
      target << fmt::format("{:.17g},{:.17g}\n", t,
                            amplitude * std::sin(2 * std::numbers::pi * frequency_Hz * t));
    }
    return {.netlist_path = (directory_ / "circuit.cir").string(),
            .output_node = "",
            .target_csv = (directory_ / "target.csv").string(),
            .duration_s = duration_s};
  }

  fs::path directory_;
};

GradientResult ComputeOk(const GradientMethod& method, const GradientProblem& problem) {
  GradientResult result = method.Compute(problem);
  EXPECT_TRUE(result.ok()) << result.method << ": " << result.message;
  return result;
}

// |a - b| / |b| of dL/dθ in scale-free coordinates (dL/dθ_j × |θ_j|).
double ScaleFreeError(const GradientResult& a, const GradientResult& b, const Vector& theta) {
  const Vector scale = theta.cwiseAbs();
  return (a.dL_dtheta - b.dL_dtheta).cwiseProduct(scale).norm() /
         b.dL_dtheta.cwiseProduct(scale).norm();
}

// |a - b| / |b| of dL/dx0 in scale-free coordinates (dL/dx0_i × s_i).
double InitialStateError(const GradientResult& a, const GradientResult& b,
                         const ProblemScales& scales) {
  const Vector s = Flatten(scales.state);
  return (Flatten(a.dL_dx0) - Flatten(b.dL_dx0)).cwiseProduct(s).norm() /
         Flatten(b.dL_dx0).cwiseProduct(s).norm();
}

// The adjoint's relative error at the default tolerances against the same
// adjoint at rtol 1e-13, at drive amplitudes 1e-9 A and 1e3 A: with
// tolerances relative to the circuit's scales, both solve on the same steps.
TEST_F(CircuitProblemTest, LinearCircuitsRelativeErrorDoesNotDependOnTheAmplitude) {
  const auto relative_error = [&](double amplitude_A, bool absolute_tolerance) {
    CircuitProblemSpec spec = Write(testing::LadderNetlist(fmt::format("{}", amplitude_A)),
                                    20.0 * amplitude_A, 5e7, 1e-9, 40e-9);
    spec.train = {"c1", "l1", "k1", "c3", "l3"};
    spec.output_node = "n3";
    spec.target_interpolation = Interpolation::kCubic;
    CircuitProblem built = BuildCircuitProblem(spec);
    if (absolute_tolerance) {  // the former fixed absolute tolerance, for comparison
      built.problem.scales = {};
      built.problem.integrator.atol = 1e-24;
    }
    const GradientResult result = ComputeOk(AdjointGradient(), built.problem);
    spec.rtol = 1e-13;
    const CircuitProblem tight = BuildCircuitProblem(spec);
    const GradientResult reference = ComputeOk(AdjointGradient(), tight.problem);
    return ScaleFreeError(result, reference, built.problem.forward.theta);
  };
  const double small = relative_error(1e-9, false);
  const double large = relative_error(1e3, false);
  // Amplitudes a power of two apart scale every number exactly: the same
  // steps, the same relative error to the last digits.
  const double binary_small = relative_error(std::ldexp(1.0, -30), false);
  const double binary_large = relative_error(std::ldexp(1.0, 10), false);
  const double small_absolute = relative_error(1e-9, true);
  const double large_absolute = relative_error(1e3, true);
  std::cout << fmt::format(
      "linear ladder, adjoint vs rtol 1e-13: scaled tolerances {:.6e} at 1e-9 A, {:.6e} at 1e3 A "
      "(difference {:.1e}), {:.9e} at 2^-30 A and {:.9e} at 2^10 A; fixed atol 1e-24: {:.2e} at "
      "1e-9 A, {:.2e} at 1e3 A\n",
      small, large, std::abs(small - large), binary_small, binary_large, small_absolute,
      large_absolute);
  EXPECT_LT(std::abs(small - large), 1e-9);
  EXPECT_NEAR(binary_small, binary_large, 1e-6 * binary_large);
  EXPECT_LT(small, 1e-8);
}

// A circuit of femtofarads (charges ~1e-18 C): the adjoint's loss, dL/dθ
// and dL/dx0 agree with the discrete adjoint extrapolated to a zero step
// (Richardson, fourth order), and finite differences of x0, stepped in
// proportion to each component's scale, agree with the adjoint.
TEST_F(CircuitProblemTest, SmallSignalCircuitsAdjointMatchesTheExtrapolatedDiscreteGradient) {
  CircuitProblemSpec spec = Write(kSmallLadder, 1e-3, 1e10, 5e-12, 1e-9);
  spec.train = {"c1", "l1", "c2", "l2"};
  spec.output_node = "n2";
  spec.target_interpolation = Interpolation::kCubic;
  const CircuitProblem built = BuildCircuitProblem(spec);
  const GradientResult adjoint = ComputeOk(AdjointGradient(), built.problem);

  // g(0) ≈ g(h/2) + [g(h/2) - g(h)] / 15 for a fourth-order scheme.
  GradientProblem discrete_problem = built.problem;
  const auto discrete_at = [&](double step_s) {
    discrete_problem.integrator.step_s = step_s;
    return ComputeOk(DiscreteAdjointGradient(), discrete_problem);
  };
  const GradientResult coarse = discrete_at(5e-14);
  GradientResult extrapolated = discrete_at(2.5e-14);
  extrapolated.loss += (extrapolated.loss - coarse.loss) / 15.0;
  extrapolated.dL_dtheta += (extrapolated.dL_dtheta - coarse.dL_dtheta) / 15.0;
  extrapolated.dL_dx0.q += (extrapolated.dL_dx0.q - coarse.dL_dx0.q) / 15.0;
  extrapolated.dL_dx0.p += (extrapolated.dL_dx0.p - coarse.dL_dx0.p) / 15.0;

  const Vector& theta = built.problem.forward.theta;
  const double loss_error = std::abs(adjoint.loss - extrapolated.loss) / extrapolated.loss;
  const double theta_error = ScaleFreeError(adjoint, extrapolated, theta);
  const double x0_error = InitialStateError(adjoint, extrapolated, built.problem.scales);

  GradientProblem unscaled = built.problem;
  unscaled.scales = {};
  const GradientResult fd = ComputeOk(FiniteDifferenceGradient(), built.problem);
  const GradientResult fd_absolute = ComputeOk(FiniteDifferenceGradient(), unscaled);
  const double fd_x0_error = InitialStateError(fd, adjoint, built.problem.scales);
  const double fd_absolute_x0_error = InitialStateError(fd_absolute, adjoint, built.problem.scales);
  std::cout << fmt::format(
      "femtofarad ladder (loss {:.3e} V² s, charges ~{:.1e} C), adjoint vs extrapolated discrete "
      "adjoint: loss {:.2e}, dL/dθ {:.2e}, dL/dx0 {:.2e}; fd dL/dx0 vs adjoint: {:.2e} with "
      "scaled steps, {:.2e} with absolute steps of 1e-5\n",
      adjoint.loss, built.problem.scales.state.p.maxCoeff(), loss_error, theta_error, x0_error,
      fd_x0_error, fd_absolute_x0_error);
  EXPECT_LT(loss_error, 1e-8);
  EXPECT_LT(theta_error, 1e-7);
  EXPECT_LT(x0_error, 1e-7);
  EXPECT_LT(fd_x0_error, 1e-6);
}

// The loss on the fixed step grid converges like h² with a linearly
// interpolated target (the kinks at its samples) and like h⁴ with a cubic
// spline: the ratio of successive differences as the step halves.
TEST_F(CircuitProblemTest, CubicTargetKeepsTheFourthOrderLoss) {
  CircuitProblemSpec spec = Write(testing::LadderNetlist(), 0.2, 5e7, 1e-9, 40e-9);
  spec.train = {"c1"};
  spec.output_node = "n3";
  const auto convergence_ratio = [&](Interpolation interpolation) {
    spec.target_interpolation = interpolation;
    std::vector<double> losses;
    for (double step_s : {4e-11, 2e-11, 1e-11}) {
      spec.step_s = step_s;
      const CircuitProblem built = BuildCircuitProblem(spec);
      losses.push_back(ComputeOk(DiscreteAdjointGradient(), built.problem).loss);
    }
    return (losses[0] - losses[1]) / (losses[1] - losses[2]);
  };
  const double linear = convergence_ratio(Interpolation::kLinear);
  const double cubic = convergence_ratio(Interpolation::kCubic);
  std::cout << fmt::format(
      "loss error ratio per halving of the step: linear target {:.2f} (order {:.2f}), cubic "
      "target {:.2f} (order {:.2f})\n",
      linear, std::log2(linear), cubic, std::log2(cubic));
  EXPECT_NEAR(std::log2(linear), 2.0, 0.3);
  EXPECT_NEAR(std::log2(cubic), 4.0, 0.3);
}

// A step at which the circuit's forward pass runs away is refused as bad
// input naming the step, before any gradient runs: the small ladder's fastest
// mode (ω ≈ 1.9e10 rad/s) against a 1 ns step.
TEST_F(CircuitProblemTest, AStepTheForwardPassCannotTakeIsAnInputErrorNamingTheStep) {
  CircuitProblemSpec spec = Write(kSmallLadder, 1e-6, 20e9, 1e-12, 2e-9);
  spec.train = {"c1", "l1"};
  spec.output_node = "n2";
  spec.step_s = 1e-10;
  try {
    BuildCircuitProblem(spec);
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("--step: the forward pass at a step of 1e-10 s failed"),
              std::string::npos)
        << error.what();
  }
  spec.step_s = 1e-13;
  EXPECT_NO_THROW(BuildCircuitProblem(spec));
}

}  // namespace
}  // namespace echolab
