// The hardware cost of a gradient (learning/hardware_cost.h,
// learning/device_energy.h): the energy balance of a damped, driven pass and
// its order in the step, the flips' energy against a closed form, and the
// counts of passes, flips, resets, samples and model evaluations by hand.

#include "learning/hardware_cost.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <vector>

#include "common/error.h"
#include "learning/adjoint_gradient.h"
#include "learning/detail/discrete_pass.h"
#include "learning/discrete_adjoint_gradient.h"
#include "learning/echo_gradient.h"
#include "learning/finite_difference_gradient.h"
#include "learning_fixtures.h"

namespace echolab {
namespace {

using testing::OwnedGradientProblem;

// The paper's six oscillators with per-dof friction and mass-proportional
// damping, driven by their sine force.
OwnedGradientProblem DampedDrivenProblem(const std::string& scheme, double step_s) {
  OwnedGradientProblem owned = testing::PaperSixOscillatorProblem();
  owned.problem.forward.dissipation.friction_N_s_per_m = Vector{{0.02, 0.18, 0.05, 0.15, 0.1, 0.1}};
  owned.problem.forward.dissipation.momentum_decay_rate_per_s = 0.05;
  owned.problem.integrator.scheme = scheme;
  owned.problem.integrator.step_s = step_s;
  owned.problem.measure_device_energy = true;
  return owned;
}

// The energy of the forward pass on the fixed-step grid.
DeviceEnergy ForwardPassEnergy(const std::string& scheme, double step_s) {
  const OwnedGradientProblem owned = DampedDrivenProblem(scheme, step_s);
  const detail::DiscreteForwardPass pass = detail::RunDiscreteForward(
      owned.problem, detail::MakeStepGrid(owned.problem),
      detail::CompositionWeightsOf(scheme, "test"), {.measure_energy = true});
  EXPECT_EQ(pass.status, SolveStatus::kSuccess) << pass.message;
  return pass.energy;
}

// work in = energy change + dissipated, to the order of the scheme: the
// balance error falls by 2^order per halving of the step.
void ExpectBalanceConvergesAtOrder(const std::string& scheme, double coarse_step_s, double order) {
  std::vector<double> errors;
  for (double step_s = coarse_step_s; errors.size() < 4; step_s /= 2.0) {
    const DeviceEnergy energy = ForwardPassEnergy(scheme, step_s);
    // The pass is driven and damped: both sides are far from zero.
    EXPECT_GT(std::abs(energy.input_work_J), 1e-3);
    EXPECT_GT(energy.dissipated_J, 1e-3);
    EXPECT_EQ(energy.nudge_work_J, 0.0);
    errors.push_back(std::abs(energy.BalanceError_J()));
  }
  for (size_t i = 1; i < errors.size(); ++i) {
    const double slope = std::log2(errors[i - 1] / errors[i]);
    EXPECT_NEAR(slope, order, 0.25) << scheme << ": errors " << errors[i - 1] << ", " << errors[i];
  }
}

TEST(DeviceEnergy, BalanceOfADampedDrivenPassConvergesAtTheLeapfrogsOrder) {
  ExpectBalanceConvergesAtOrder("leapfrog", 0.04, 2.0);
}

TEST(DeviceEnergy, BalanceOfADampedDrivenPassConvergesAtYoshida4sOrder) {
  ExpectBalanceConvergesAtOrder("yoshida4", 0.16, 4.0);
}

TEST(DeviceEnergy, ALosslessUndrivenPassExchangesNothing) {
  OwnedGradientProblem owned = testing::PaperSixOscillatorProblem();
  owned.problem.forward.input =
      InputSignal({{std::make_shared<ConstantWaveform>(0.0), Parity::kEven}});
  owned.problem.measure_device_energy = true;
  const GradientResult result = DiscreteAdjointGradient().Compute(owned.problem);
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.cost.energy.input_work_J, 0.0);
  EXPECT_EQ(result.cost.energy.dissipated_J, 0.0);
  // Leapfrog's energy error at h = 0.01 s, a fraction of the energy.
  EXPECT_LT(std::abs(result.cost.energy.energy_change_J), 1e-4);
}

// One free harmonic oscillator, H = p²/2m + k q²/2, θ = (m, k), from (q0,
// p0) for T, on a step of 1 ms, its energy measured.
OwnedGradientProblem HarmonicOscillatorProblem(double m, double k, double q0, double p0,
                                               double T) {
  auto oscillator = std::make_shared<const OscillatorNetwork>(
      NetworkTopology{.num_oscillators = 1}, PotentialLaw::kHarmonic, PotentialLaw::kHarmonic);
  OwnedGradientProblem owned{oscillator, {}};
  GradientProblem& problem = owned.problem;
  problem.forward.system = oscillator.get();
  problem.forward.theta = oscillator->MakeParameters(
      Vector::Constant(1, m), Eigen::MatrixXd::Constant(1, 1, k), Eigen::MatrixXd(0, 1));
  problem.forward.initial_state = {Vector::Constant(1, q0), Vector::Constant(1, p0)};
  problem.forward.duration_s = T;
  problem.loss = testing::TrackingOfOscillator(*oscillator, 0);
  problem.integrator.step_s = 1e-3;
  problem.measure_device_energy = true;
  return owned;
}

// The harmonic oscillator: q(t) = q0 cos ωt + p0/(mω) sin ωt, p(t) = m dq/dt.
// A flip with gain error g gives the kinetic energy ((1 + g)² - 1) p(T)²/2m,
// once per echo.
TEST(DeviceEnergy, FlipEnergyMatchesTheClosedFormOfAHarmonicOscillator) {
  constexpr double m = 1.3, k = 2.1, q0 = 0.7, p0 = -0.4, T = 5.0, g = 0.03;
  OwnedGradientProblem owned = HarmonicOscillatorProblem(m, k, q0, p0, T);
  GradientProblem& problem = owned.problem;
  problem.integrator.scheme = "yoshida4";

  const double w = std::sqrt(k / m);
  const double p_T = -m * w * q0 * std::sin(w * T) + p0 * std::cos(w * T);
  const double per_flip_J = ((1.0 + g) * (1.0 + g) - 1.0) * p_T * p_T / (2.0 * m);

  EchoOptions options;
  options.hardware.flip_gain_error = g;
  const GradientResult centred = EchoGradient(options).Compute(problem);
  ASSERT_TRUE(centred.ok()) << centred.message;
  EXPECT_NEAR(centred.cost.energy.flip_energy_J, 2.0 * per_flip_J, 1e-9 * std::abs(per_flip_J));
  // An ideal flip exchanges nothing.
  const GradientResult ideal = EchoGradient().Compute(problem);
  EXPECT_EQ(ideal.cost.energy.flip_energy_J, 0.0);
}

// Over the forward pass and both echoes, the nudges' work closes the
// balance: the echo is driven by the replayed input and by the nudges.
TEST(DeviceEnergy, TheEchoesBalanceWithTheNudgesWork) {
  OwnedGradientProblem owned = DampedDrivenProblem("yoshida4", 0.01);
  EchoOptions options;
  options.beta = 0.05;
  options.nudge = NudgeReference::kPhysical;
  const GradientResult echo = EchoGradient(options).Compute(owned.problem);
  ASSERT_TRUE(echo.ok()) << echo.message;
  const DeviceEnergy& energy = echo.cost.energy;
  EXPECT_NE(energy.nudge_work_J, 0.0);
  EXPECT_GT(energy.dissipated_J, 0.0);  // the naive echoes are damped too
  // The nudge impulses are accounted exactly; the flow to yoshida4's accuracy,
  // with the powers sampled before each impulse (O(β h)).
  EXPECT_LT(std::abs(energy.BalanceError_J()), 1e-3 * std::abs(energy.dissipated_J));
}

// The continuous echo (adaptive schemes) measures the same ledger on its
// output grid: over the forward pass and both naive (damped) echoes, work in
// = energy change + dissipated, to the solver's tolerance. Simpson's rule on
// samples 2.5 ms apart and the fourth-order du/dt err by ~1e-9 J, below the
// tolerances here, so the balance error falls with the tolerance.
TEST(DeviceEnergy, TheContinuousEchosBalanceErrorFallsWithTheTolerance) {
  std::vector<double> errors;
  for (double rtol : {1e-5, 1e-7, 1e-9}) {
    OwnedGradientProblem owned = DampedDrivenProblem("arkode_dopri5", 0.0025);
    owned.problem.integrator.rtol = rtol;
    owned.problem.integrator.atol = 1e-2 * rtol;
    const GradientResult echo =
        EchoGradient({.beta = 0.05, .nudge = NudgeReference::kPhysical}).Compute(owned.problem);
    ASSERT_TRUE(echo.ok()) << echo.message;
    ASSERT_TRUE(echo.cost.has_energy);
    const DeviceEnergy& energy = echo.cost.energy;
    EXPECT_GT(std::abs(energy.input_work_J), 1e-3);
    EXPECT_GT(energy.dissipated_J, 1e-3);
    EXPECT_GT(std::abs(energy.nudge_work_J), 1e-6);
    EXPECT_EQ(energy.flip_energy_J, 0.0);  // an ideal flip
    errors.push_back(std::abs(energy.BalanceError_J()));
    std::cout << fmt::format(
        "rtol {:.0e}: input work {:.5g} J, nudge work {:.4g} J, dissipated {:.5g} J, balance "
        "error {:.3g} J\n",
        rtol, energy.input_work_J, energy.nudge_work_J, energy.dissipated_J, errors.back());
  }
  // 100 times tighter: at least 10 times smaller each time.
  for (size_t i = 1; i < errors.size(); ++i) {
    EXPECT_LT(errors[i], 0.1 * errors[i - 1]) << errors[i - 1] << " -> " << errors[i];
  }
}

// The continuous echo reads one sample per output time (T = 8 s at 2.5 ms:
// 3,201 samples per echo), with the range of the forward pass's integrand.
TEST(HardwareCost, TheContinuousEchoCountsItsReadoutSamples) {
  OwnedGradientProblem owned = DampedDrivenProblem("arkode_dopri5", 0.0025);
  const GradientResult echo =
      EchoGradient({.nudge = NudgeReference::kPhysical}).Compute(owned.problem);
  ASSERT_TRUE(echo.ok()) << echo.message;
  EXPECT_EQ(echo.cost.hardware_passes, 3);
  EXPECT_EQ(echo.cost.flips, 2);
  EXPECT_EQ(echo.cost.readout.samples_per_parameter, 2 * 3201);
  const ReadoutCost& readout = echo.cost.readout;
  ASSERT_EQ(readout.max_abs_integrand.size(), owned.problem.forward.theta.size());
  EXPECT_TRUE((readout.mean_abs_integrand.array() <= readout.max_abs_integrand.array()).all());
  EXPECT_TRUE((readout.min_abs_integrand.array() <= readout.mean_abs_integrand.array()).all());
  EXPECT_GT(readout.RangeBits(kReadoutRelativeAccuracy), 10.0);
}

// Hand counts on the six oscillators, T = 8 s, leapfrog (one kick per step)
// and yoshida4 (three), h = 0.01 s: N = 800 steps.
TEST(HardwareCost, EchoCountsPassesFlipsResetsAndSamplesByHand) {
  OwnedGradientProblem owned = testing::PaperSixOscillatorProblem();
  const GradientResult centred = EchoGradient().Compute(owned.problem);
  ASSERT_TRUE(centred.ok()) << centred.message;
  EXPECT_EQ(centred.cost.hardware_passes, 3);
  EXPECT_EQ(centred.cost.flips, 2);
  EXPECT_EQ(centred.cost.resets, 1);
  EXPECT_EQ(centred.cost.readout.samples_per_parameter, 2 * 800);
  EXPECT_EQ(centred.cost.digital.model_evaluations, 0);
  EXPECT_FALSE(centred.cost.has_energy);  // not asked for
  HardwareTiming timing{.flip_time_s = 0.5, .reset_time_s = 2.0};
  EXPECT_DOUBLE_EQ(centred.cost.PhysicalTime_s(timing), 3 * 8.0 + 2 * 0.5 + 2.0);

  // One-sided with the physical nudge on a lossless pass: the forward pass is
  // its own reference, one echo.
  EchoOptions one_sided{.estimator = EchoEstimator::kOneSided, .nudge = NudgeReference::kPhysical};
  owned.problem.integrator.scheme = "yoshida4";
  const GradientResult single = EchoGradient(one_sided).Compute(owned.problem);
  ASSERT_TRUE(single.ok()) << single.message;
  EXPECT_EQ(single.cost.hardware_passes, 2);
  EXPECT_EQ(single.cost.flips, 1);
  EXPECT_EQ(single.cost.readout.samples_per_parameter, 3 * 800);

  // Three repetitions of the centred experiment: three times everything.
  EchoOptions repeated;
  repeated.repeats = 3;
  const GradientResult three = EchoGradient(repeated).Compute(owned.problem);
  EXPECT_EQ(three.cost.hardware_passes, 9);
  EXPECT_EQ(three.cost.flips, 6);
  EXPECT_EQ(three.cost.resets, 3);
  EXPECT_DOUBLE_EQ(three.cost.pass_time_s, 9 * 8.0);

  // Sums keep the energy only when every part has it.
  HardwareCost sum;
  HardwareCost measured = centred.cost;
  measured.has_energy = true;
  sum += measured;
  EXPECT_TRUE(sum.has_energy);
  sum += centred.cost;
  EXPECT_FALSE(sum.has_energy);
}

TEST(HardwareCost, TheReadoutRangeBracketsTheParameterIntegrand) {
  OwnedGradientProblem owned = testing::PaperSixOscillatorProblem();
  owned.problem.measure_device_energy = true;
  const GradientResult echo = EchoGradient().Compute(owned.problem);
  ASSERT_TRUE(echo.ok()) << echo.message;
  const ReadoutCost& readout = echo.cost.readout;
  ASSERT_EQ(readout.max_abs_integrand.size(), owned.problem.forward.theta.size());
  // ∂H/∂m_i = -p_i²/2m_i²: at t = 0 oscillator 2 has p = 0.1, m = 1 (paper
  // masses are 1 kg), so its integrand reaches at least 0.005 J/kg there.
  EXPECT_GE(readout.max_abs_integrand[1], 0.9 * 0.005);
  EXPECT_TRUE((readout.min_abs_integrand.array() <= readout.max_abs_integrand.array()).all());
  EXPECT_TRUE((readout.min_abs_integrand.array() >= 0.0).all());
  // The integrands pass through zero, where their smallest samples reach
  // 1e-15 of the full scale; the bits for the sum stay those of a crest
  // factor, far below the range of the smallest sample.
  const double bits = readout.RangeBits(kReadoutRelativeAccuracy);
  // At least the 10 bits of ε = 1e-3 against a full scale above the mean.
  EXPECT_GT(bits, std::log2(1.0 / kReadoutRelativeAccuracy));
  EXPECT_LT(bits, 30.0);
  const double widest_min_range =
      (readout.max_abs_integrand.array() / readout.min_abs_integrand.array()).log2().maxCoeff();
  EXPECT_GT(widest_min_range, bits + 10.0);
}

// One free harmonic oscillator from q0 = A at rest, over whole periods:
// q = A cos ωt, p = -m ω A sin ωt, so the integrands ∂H/∂k = q²/2 and
// ∂H/∂m = -p²/2m² = -ω² A² sin² ωt / 2 both have max/mean = 2, and the
// read-out needs log2(2 / ε) bits at relative accuracy ε, though both pass
// through zero (their smallest sample is arbitrarily small).
TEST(HardwareCost, TheReadoutBitsOfAHarmonicOscillatorMatchTheClosedForm) {
  constexpr double m = 1.3, k = 2.1, A = 0.7, periods = 3.0;
  const double w = std::sqrt(k / m);
  const OwnedGradientProblem owned =
      HarmonicOscillatorProblem(m, k, A, 0.0, periods * 2.0 * M_PI / w);
  const GradientResult echo = EchoGradient().Compute(owned.problem);
  ASSERT_TRUE(echo.ok()) << echo.message;
  const ReadoutCost& readout = echo.cost.readout;
  ASSERT_EQ(readout.mean_abs_integrand.size(), 2);
  // θ = (m, k): means ω² A²/4 and A²/4, maxima twice that (to O(h²)).
  EXPECT_NEAR(readout.mean_abs_integrand[0], w * w * A * A / 4.0, 1e-5);
  EXPECT_NEAR(readout.mean_abs_integrand[1], A * A / 4.0, 1e-5);
  EXPECT_NEAR(readout.max_abs_integrand[0], w * w * A * A / 2.0, 1e-5);
  EXPECT_NEAR(readout.max_abs_integrand[1], A * A / 2.0, 1e-5);
  for (double accuracy : {1e-3, 1e-6}) {
    EXPECT_NEAR(readout.RangeBits(accuracy), std::log2(2.0 / accuracy), 1e-4);
  }
  // The smallest nonzero sample sits at a zero crossing: far more bits than
  // the sum needs.
  EXPECT_GT(std::log2(readout.max_abs_integrand[0] / readout.min_abs_integrand[0]), 15.0);
}

// Finite differences: every perturbed pass on the device, after a reset.
// BPTT: one hardware pass, 4 model evaluations per kick, N + 1 states.
TEST(HardwareCost, DigitalAndFiniteDifferenceCountsByHand) {
  OwnedGradientProblem owned = testing::PaperSixOscillatorProblem();
  const int num_params = static_cast<int>(owned.problem.forward.theta.size());
  const GradientResult fd = FiniteDifferenceGradient().Compute(owned.problem);
  ASSERT_TRUE(fd.ok()) << fd.message;
  EXPECT_EQ(fd.cost.hardware_passes, 2 * (num_params + 2 * 6) + 1);
  EXPECT_EQ(fd.cost.resets, fd.cost.hardware_passes);
  EXPECT_EQ(fd.cost.flips, 0);

  const GradientResult bptt = DiscreteAdjointGradient().Compute(owned.problem);
  ASSERT_TRUE(bptt.ok()) << bptt.message;
  EXPECT_EQ(bptt.cost.hardware_passes, 1);
  EXPECT_EQ(bptt.cost.digital.model_evaluations, 4 * 800);
  EXPECT_DOUBLE_EQ(bptt.cost.digital.memory_bytes, 801.0 * 2 * 6 * 8);
  EXPECT_DOUBLE_EQ(bptt.cost.digital.flops, 4 * 800 * EvaluationFlops(owned.problem.forward));

  owned.problem.integrator.rtol = 1e-10;
  const GradientResult adjoint = AdjointGradient().Compute(owned.problem);
  ASSERT_TRUE(adjoint.ok()) << adjoint.message;
  EXPECT_EQ(adjoint.cost.hardware_passes, 1);
  // At least one right-hand side per step and direction.
  EXPECT_GE(adjoint.cost.digital.model_evaluations, adjoint.steps);
  EXPECT_GT(adjoint.cost.digital.memory_bytes, 0.0);
}

// A harmonic chain of n oscillators: ∇²H has n entries 1/m_i and a
// tridiagonal stiffness block of 3n - 2 entries, so one evaluation costs
// 2 (4n - 2) + 4n flops.
TEST(HardwareCost, EvaluationFlopsCountTheHessiansNonzerosOfAChain) {
  constexpr int n = 7;
  auto chain = std::make_shared<const OscillatorNetwork>(
      NetworkTopology::Chain(n), PotentialLaw::kHarmonic, PotentialLaw::kHarmonic);
  SimulationProblem pass;
  pass.system = chain.get();
  pass.theta = chain->MakeParameters(Vector::Ones(n), Eigen::MatrixXd::Ones(n, 1),
                                     Eigen::MatrixXd::Ones(n - 1, 1));
  pass.initial_state = {Vector::Zero(n), Vector::Zero(n)};
  EXPECT_DOUBLE_EQ(EvaluationFlops(pass), 2.0 * (4 * n - 2) + 4.0 * n);
}

TEST(HardwareTiming, RefusesNegativeOrNonFiniteTimes) {
  EXPECT_THROW((HardwareTiming{.flip_time_s = -1.0}.Validate()), InputError);
  EXPECT_THROW((HardwareTiming{.reset_time_s = NAN}.Validate()), InputError);
  EXPECT_NO_THROW(HardwareTiming{}.Validate());
}

}  // namespace
}  // namespace echolab
