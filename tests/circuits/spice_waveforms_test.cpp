// The exact integral and derivative of each SPICE waveform (what a voltage
// source feeds the node-flux substrate) against numerical quadrature and
// central differences of its value.

#include "circuits/spice_waveforms.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace echolab {
namespace {

// ∫_0^t w by composite Simpson on 20,000 intervals.
double SimpsonIntegral(const Waveform& w, double t_s) {
  const int intervals = 20000;
  const double h = t_s / intervals;
  double sum = w.Value(0.0) + w.Value(t_s);
  for (int k = 1; k < intervals; ++k) sum += (k % 2 == 1 ? 4.0 : 2.0) * w.Value(k * h);
  return sum * h / 3.0;
}

struct WaveformCase {
  std::string name;
  std::shared_ptr<const SpiceWaveform> waveform;
  double horizon_s;
  std::vector<double> kinks_s;  // where the derivative jumps (skipped)
};

std::vector<WaveformCase> Cases() {
  return {
      {"dc", std::make_shared<DcWaveform>(0.7), 5e-9, {}},
      {"damped delayed sine",
       std::make_shared<DampedSineWaveform>(0.1, 0.5, 60e6, 3e-9, 2e7, 30.0),
       60e-9,
       {3e-9}},
      {"pulse",
       std::make_shared<PulseWaveform>(-0.2, 1.0, 2e-9, 1e-9, 2e-9, 5e-9, 20e-9),
       55e-9,
       {2e-9, 3e-9, 8e-9, 10e-9, 22e-9, 23e-9, 28e-9, 30e-9, 42e-9, 43e-9, 48e-9, 50e-9}},
      {"pwl",
       std::make_shared<PiecewiseLinearWaveform>(std::vector<double>{1e-9, 4e-9, 9e-9},
                                                 std::vector<double>{0.3, -0.5, 1.2}),
       12e-9,
       {1e-9, 4e-9, 9e-9}},
  };
}

bool NearKink(double t_s, const std::vector<double>& kinks_s, double gap_s) {
  for (double kink : kinks_s) {
    if (std::abs(t_s - kink) < gap_s) return true;
  }
  return false;
}

TEST(SpiceWaveforms, IntegralAndDerivativeMatchQuadratureAndDifferences) {
  for (const WaveformCase& c : Cases()) {
    const SpiceWaveform& w = *c.waveform;
    double peak = 0.0;
    for (int k = 0; k <= 200; ++k) peak = std::max(peak, std::abs(w.Value(k * c.horizon_s / 200)));
    double worst_integral = 0.0, worst_derivative = 0.0;
    for (int k = 1; k <= 23; ++k) {
      const double t = c.horizon_s * k / 23.0;
      const double integral_error =
          std::abs(w.Integral(t) - SimpsonIntegral(w, t)) / (peak * c.horizon_s);
      worst_integral = std::max(worst_integral, integral_error);
      const double h = 1e-4 * c.horizon_s;
      if (NearKink(t, c.kinks_s, 2.0 * h)) continue;
      const double numeric = (w.Value(t + h) - w.Value(t - h)) / (2.0 * h);
      const double derivative_error = std::abs(w.Derivative(t) - numeric) / (peak / c.horizon_s);
      worst_derivative = std::max(worst_derivative, derivative_error);
    }
    std::cout << fmt::format("{}: integral {:.1e}, derivative {:.1e} (relative to peak scales)\n",
                             c.name, worst_integral, worst_derivative);
    // Bounds of the references themselves: Simpson across the kinks, and
    // the O(h²) of central differences on the fastest sine.
    EXPECT_LT(worst_integral, 1e-7) << c.name;
    EXPECT_LT(worst_derivative, 1e-4) << c.name;
  }
}

}  // namespace
}  // namespace echolab
