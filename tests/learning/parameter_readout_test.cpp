// The instrument model that reads ∂θH in the echoes: quantisation levels,
// saturation, and noise of the stated size.

#include "learning/detail/parameter_readout.h"

#include <gtest/gtest.h>

#include <cmath>

namespace echolab {
namespace {

TEST(ParameterReadout, QuantisesToTheNearestLevelAndSaturates) {
  // Full scale 1 and 4 with 3 bits: steps 1/4 and 1.
  detail::ParameterReadout readout(Vector{{1.0, 4.0, 0.0}}, 0.0, 3, 1);
  Vector measured;
  readout.Measure(Vector{{0.3, -1.4, 0.7}}, &measured);
  EXPECT_EQ(measured[0], 0.25);
  EXPECT_EQ(measured[1], -1.0);
  EXPECT_EQ(measured[2], 0.0) << "a parameter without range reads 0";
  readout.Measure(Vector{{1.7, -9.0, 0.0}}, &measured);
  EXPECT_EQ(measured[0], 1.0) << "saturates at the full scale";
  EXPECT_EQ(measured[1], -4.0);
  // Without quantisation and noise the reading is exact.
  detail::ParameterReadout exact(Vector{{1.0}}, 0.0, 0, 1);
  exact.Measure(Vector{{0.123456789}}, &measured);
  EXPECT_EQ(measured[0], 0.123456789);
}

TEST(ParameterReadout, NoiseHasTheStatedDeviationRelativeToTheFullScale) {
  const double noise = 0.01, full_scale = 3.0;
  detail::ParameterReadout readout(Vector::Constant(1000, full_scale), noise, 0, 5);
  Vector measured;
  readout.Measure(Vector::Zero(1000), &measured);
  const double deviation = std::sqrt(measured.squaredNorm() / 1000.0);
  EXPECT_NEAR(deviation / (noise * full_scale), 1.0, 0.1);
  EXPECT_LT(std::abs(measured.mean()), 4.0 * noise * full_scale / std::sqrt(1000.0));
}

}  // namespace
}  // namespace echolab
