// Thermal noise with the fluctuation-dissipation intensity (baoab scheme):
// equipartition, reproducibility from the seed, and input checks.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "common/error.h"
#include "physics/integrator.h"
#include "physics/models/oscillator_network.h"

namespace echolab {
namespace {

using ::testing::HasSubstr;

struct ThermalChain {
  std::shared_ptr<const OscillatorNetwork> network;
  SimulationProblem problem;
};

// A chain of four unequal masses with harmonic springs, friction on every
// degree of freedom, at kB T = 0.5 J.
ThermalChain MakeThermalChain(double duration_s, std::uint64_t seed) {
  ThermalChain chain;
  chain.network = std::make_shared<const OscillatorNetwork>(
      NetworkTopology::Chain(4), PotentialLaw::kHarmonic, PotentialLaw::kHarmonic);
  const Vector masses_kg{{1.0, 2.0, 0.5, 1.5}};
  const Eigen::MatrixXd onsite_N_per_m = Eigen::MatrixXd::Constant(4, 1, 1.0);
  const Eigen::MatrixXd coupling_N_per_m = Eigen::MatrixXd::Constant(3, 1, 0.7);
  SimulationProblem& problem = chain.problem;
  problem.system = chain.network.get();
  problem.theta = chain.network->MakeParameters(masses_kg, onsite_N_per_m, coupling_N_per_m);
  problem.initial_state = {Vector::Zero(4), Vector::Zero(4)};
  problem.duration_s = duration_s;
  problem.dissipation.friction_N_s_per_m = Vector{{0.5, 1.0, 0.2, 0.8}};
  problem.noise = {.thermal_energy_J = 0.5, .seed = seed};
  return chain;
}

IntegratorOptions BaoabOptions(double step_s) {
  IntegratorOptions options;
  options.scheme = "baoab";
  options.step_s = step_s;
  options.record_states = false;
  return options;
}

// <p_i² / m_i> = kB T for every degree of freedom, within 4 standard errors
// estimated by batch means (samples are correlated in time).
TEST(Langevin, EquipartitionOfKineticEnergy) {
  constexpr double kBurnIn_s = 50.0, kDuration_s = 20050.0, kStep_s = 0.02;
  constexpr int kBatches = 40;
  ThermalChain chain = MakeThermalChain(kDuration_s, 12345);
  const Vector masses_kg = chain.problem.theta.head(4);
  const double kT = chain.problem.noise.thermal_energy_J;

  const long samples_per_batch = std::lround((kDuration_s - kBurnIn_s) / kStep_s / kBatches);
  Eigen::MatrixXd batch_sums = Eigen::MatrixXd::Zero(4, kBatches);
  long sample = 0;
  const Observer accumulate = [&](double t_s, const PhaseState& x) {
    if (t_s <= kBurnIn_s || sample >= samples_per_batch * kBatches) return;
    batch_sums.col(sample / samples_per_batch) += x.p.cwiseAbs2().cwiseQuotient(masses_kg);
    ++sample;
  };
  const Trajectory run = Simulate(chain.problem, BaoabOptions(kStep_s), accumulate);
  ASSERT_TRUE(run.ok()) << run.BriefReport();
  ASSERT_EQ(sample, samples_per_batch * kBatches);

  const Eigen::MatrixXd batch_means = batch_sums / static_cast<double>(samples_per_batch);
  for (int i = 0; i < 4; ++i) {
    const double mean = batch_means.row(i).mean();
    const double spread =
        std::sqrt((batch_means.row(i).array() - mean).square().sum() / (kBatches - 1));
    const double standard_error = spread / std::sqrt(static_cast<double>(kBatches));
    std::cout << fmt::format("dof {}: <p^2/m> = {:.4f} J (kB T = {} J), standard error {:.4f}\n",
                             i + 1, mean, kT, standard_error);
    EXPECT_NEAR(mean, kT, 4.0 * standard_error);
    // The check has teeth: the error bar is a small fraction of kB T.
    EXPECT_LT(standard_error, 0.02 * kT);
  }
}

// Without friction there is no coupling to the bath: the noise must vanish
// (fluctuation-dissipation), so energy is conserved as in velocity Verlet.
TEST(Langevin, NoFrictionMeansNoNoise) {
  ThermalChain chain = MakeThermalChain(10.0, 7);
  chain.problem.dissipation = {};
  chain.problem.initial_state.q = Vector{{0.3, 0.0, -0.2, 0.1}};
  const Trajectory run = Simulate(chain.problem, BaoabOptions(0.001));
  ASSERT_TRUE(run.ok());
  const double initial =
      chain.network->Energy(chain.problem.initial_state, chain.problem.theta, Vector());
  const double final = chain.network->Energy(run.final_state, chain.problem.theta, Vector());
  EXPECT_NEAR(final, initial, 1e-5 * initial);
}

TEST(Langevin, SameSeedSamePathBitForBit) {
  const ThermalChain a = MakeThermalChain(20.0, 99);
  const ThermalChain b = MakeThermalChain(20.0, 99);
  const ThermalChain c = MakeThermalChain(20.0, 100);
  const PhaseState xa = Simulate(a.problem, BaoabOptions(0.01)).final_state;
  const PhaseState xb = Simulate(b.problem, BaoabOptions(0.01)).final_state;
  const PhaseState xc = Simulate(c.problem, BaoabOptions(0.01)).final_state;
  EXPECT_TRUE(xa.q == xb.q && xa.p == xb.p);
  EXPECT_FALSE(xa.q == xc.q);
}

TEST(Langevin, DeterministicSchemesRefuseNoise) {
  ThermalChain chain = MakeThermalChain(1.0, 1);
  for (const std::string& scheme : CompositionSchemeNames()) {
    IntegratorOptions options;
    options.scheme = scheme;
    try {
      Simulate(chain.problem, options);
      ADD_FAILURE() << scheme << " accepted thermal noise";
    } catch (const InputError& error) {
      EXPECT_THAT(error.what(), HasSubstr("baoab"));
    }
  }
}

TEST(Langevin, NoiseWithGainIsRejected) {
  ThermalChain chain = MakeThermalChain(1.0, 1);
  chain.problem.dissipation.friction_N_s_per_m[2] = -0.3;
  EXPECT_THROW(Simulate(chain.problem, BaoabOptions(0.01)), InputError);
}

}  // namespace
}  // namespace echolab
