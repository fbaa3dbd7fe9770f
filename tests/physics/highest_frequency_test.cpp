// The highest angular frequency of a linear substrate against the closed
// form of two coupled masses: det(W - ω² M) = 0.

#include "physics/highest_frequency.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "physics/models/oscillator_network.h"

namespace echolab {
namespace {

TEST(HighestFrequency, MatchesTheClosedFormOfTwoCoupledMasses) {
  const double m1 = 1.0, m2 = 2.0, k1 = 1.0, k2 = 0.5, c = 0.7;
  const auto network = std::make_shared<const OscillatorNetwork>(
      NetworkTopology::Chain(2), PotentialLaw::kHarmonic, PotentialLaw::kHarmonic);
  SimulationProblem problem;
  problem.system = network.get();
  problem.theta = network->MakeParameters(Vector{{m1, m2}}, Vector{{k1, k2}}, Vector{{c}});
  // W = [[k1 + c, -c], [-c, k2 + c]]: m1 m2 ω⁴ - (m1 w22 + m2 w11) ω² + det W = 0.
  const double w11 = k1 + c, w22 = k2 + c;
  const double a = m1 * m2, b = -(m1 * w22 + m2 * w11), d = w11 * w22 - c * c;
  const double omega_squared = (-b + std::sqrt(b * b - 4.0 * a * d)) / (2.0 * a);
  const auto omega = HighestAngularFrequency(problem, Vector::Zero(2), Vector());
  ASSERT_TRUE(omega.has_value());
  EXPECT_NEAR(*omega, std::sqrt(omega_squared), 1e-12);
}

TEST(HighestFrequency, IsZeroWhenNoModeOscillates) {
  const auto network = std::make_shared<const OscillatorNetwork>(
      NetworkTopology{.num_oscillators = 1}, PotentialLaw::kHarmonic, PotentialLaw::kHarmonic);
  SimulationProblem problem;
  problem.system = network.get();
  problem.theta = network->MakeParameters(Vector{{1.0}}, Vector{{-3.0}}, Eigen::MatrixXd(0, 1));
  EXPECT_EQ(HighestAngularFrequency(problem, Vector::Zero(1), Vector()), 0.0);
}

}  // namespace
}  // namespace echolab
