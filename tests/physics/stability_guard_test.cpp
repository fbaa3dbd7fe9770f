// The stability guard against closed forms: an unstable oscillator
// (q = q0 cosh t, so E = T + |V| = ½ q0² cosh 2t) is stopped where E first
// exceeds max_energy_growth × E(0); a fixed step beyond the scheme's
// stability limit (2/ω for leapfrog, 1.5734/ω for yoshida4, both from the
// one-step matrix of x'' = -ω² x) is stopped and named; driven, resonant,
// delayed, gaining and thermal passes run to the end.

#include "physics/stability_guard.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "physics/integrator.h"
#include "physics/models/oscillator_network.h"

namespace echolab {
namespace {

using ::testing::HasSubstr;

// One oscillator, m = 1 kg, on-site stiffness k (negative: unstable), pushed
// by the force `input` (none when empty).
struct SingleOscillator {
  std::shared_ptr<const OscillatorNetwork> network;
  SimulationProblem problem;

  SingleOscillator(double stiffness_N_per_m, double duration_s, InputSignal input = {}) {
    NetworkTopology topology{.num_oscillators = 1};
    if (input.num_channels() > 0) topology.driven_oscillators = {0};
    network = std::make_shared<const OscillatorNetwork>(topology, PotentialLaw::kHarmonic,
                                                        PotentialLaw::kHarmonic);
    problem.system = network.get();
    problem.theta = network->MakeParameters(Vector::Constant(1, 1.0),
                                            Eigen::MatrixXd::Constant(1, 1, stiffness_N_per_m),
                                            Eigen::MatrixXd(0, 1));
    problem.input = std::move(input);
    problem.initial_state = {Vector::Zero(1), Vector::Zero(1)};
    problem.duration_s = duration_s;
  }
};

IntegratorOptions Options(const std::string& scheme, double step_s) {
  IntegratorOptions options;
  options.scheme = scheme;
  options.step_s = step_s;
  return options;
}

InputSignal Force(std::shared_ptr<const Waveform> waveform) {
  return InputSignal({{std::move(waveform), Parity::kEven}});
}

TEST(StabilityGuard, StopsAnUnstableSubstrateWhereTheEnergyCrossesTheLimit) {
  SingleOscillator unstable(-1.0, 20.0);
  unstable.problem.initial_state.q[0] = 1.0;
  const Trajectory trajectory = Simulate(unstable.problem, Options("yoshida4", 1e-3));
  std::cout << "  " << trajectory.message << std::endl;
  ASSERT_EQ(trajectory.status, SolveStatus::kEnergyGrowth);
  // ½ cosh 2t = 1e6 × ½  ⇒  t = acosh(1e6) / 2.
  const double crossing_s = std::acosh(1e6) / 2.0;
  EXPECT_NEAR(trajectory.final_time_s, crossing_s, 2e-3);
  EXPECT_THAT(trajectory.message, HasSubstr("at t = 7.25"));
  EXPECT_THAT(trajectory.message, HasSubstr("from 0.5 J"));
  EXPECT_THAT(trajectory.message, HasSubstr("q_1 = 708"));
  EXPECT_THAT(trajectory.message, HasSubstr("unstable"));
}

TEST(StabilityGuard, InfinityTurnsTheGuardOff) {
  SingleOscillator unstable(-1.0, 20.0);
  unstable.problem.initial_state.q[0] = 1.0;
  IntegratorOptions options = Options("leapfrog", 1e-3);
  options.max_energy_growth = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(Simulate(unstable.problem, options).ok());
}

// Just inside the limit the scheme stays bounded for 2,000 steps; just
// outside it blows up, and the guard names the step and the limit.
TEST(StabilityGuard, NamesTheStabilityLimitOfEachFixedStepScheme) {
  for (const auto& [scheme, limit] : {std::pair<std::string, double>{"leapfrog", 2.0},
                                      std::pair<std::string, double>{"yoshida4", 1.5734}}) {
    SingleOscillator stable(4.0, 0.0);  // ω = 2 rad/s
    stable.problem.initial_state.q[0] = 1.0;
    const double omega_rad_per_s = 2.0;
    stable.problem.duration_s = 2000.0 * 0.99 * limit / omega_rad_per_s;
    EXPECT_TRUE(Simulate(stable.problem, Options(scheme, 0.99 * limit / omega_rad_per_s)).ok())
        << scheme;
    stable.problem.duration_s = 200.0 * 1.05 * limit / omega_rad_per_s;
    const Trajectory beyond =
        Simulate(stable.problem, Options(scheme, 1.05 * limit / omega_rad_per_s));
    std::cout << "  " << beyond.message << std::endl;
    EXPECT_EQ(beyond.status, SolveStatus::kEnergyGrowth) << scheme;
    EXPECT_THAT(beyond.message, HasSubstr(fmt::format("exceeds the {} stability limit", scheme)));
    EXPECT_THAT(beyond.message, HasSubstr("omega_max = 2 rad/s"));
  }
}

// A resonant sine from rest (amplitude growing like t), a force switched on
// late, a pass with gain (energy × e^(2 g t) = e^30) and a thermal pass from
// rest all feed their energy legitimately: none trips the guard.
TEST(StabilityGuard, DrivenGainingAndThermalPassesRunToTheEnd) {
  SingleOscillator resonant(1.0, 400.0,
                            Force(std::make_shared<SineWaveform>(1.0, 1.0 / (2.0 * M_PI))));
  EXPECT_TRUE(Simulate(resonant.problem, Options("leapfrog", 1e-2)).ok());

  SingleOscillator delayed(1.0, 100.0,
                           Force(std::make_shared<SampledWaveform>(
                               std::vector<double>{0.0, 60.0, 60.001},
                               std::vector<double>{0.0, 0.0, 1.0}, Interpolation::kLinear)));
  EXPECT_TRUE(Simulate(delayed.problem, Options("yoshida4", 1e-2)).ok());

  SingleOscillator gaining(1.0, 30.0);
  gaining.problem.initial_state.q[0] = 1.0;
  gaining.problem.dissipation.momentum_decay_rate_per_s = -1.0;
  const Trajectory gained = Simulate(gaining.problem, Options("leapfrog", 1e-3));
  EXPECT_TRUE(gained.ok()) << gained.message;

  SingleOscillator thermal(1.0, 200.0);
  thermal.problem.dissipation.momentum_decay_rate_per_s = 0.5;
  thermal.problem.noise = {.thermal_energy_J = 1e-3, .seed = 7};
  EXPECT_TRUE(Simulate(thermal.problem, Options("baoab", 1e-2)).ok());
}

}  // namespace
}  // namespace echolab
