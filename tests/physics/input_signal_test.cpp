// Waveforms (sine, sampled with linear or natural cubic spline interpolation)
// and the multi-channel input signal with its time-reversed replay.

#include "physics/input_signal.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace echolab {
namespace {

// Non-uniform sample times (s) used by several tests.
std::vector<double> SampleTimes() { return {0.0, 0.3, 0.7, 1.2, 1.5, 2.1}; }

std::vector<double> Sample(const std::vector<double>& times_s, double (*f)(double)) {
  std::vector<double> values;
  for (double t_s : times_s) values.push_back(f(t_s));
  return values;
}

double Line(double t_s) { return 2.5 * t_s - 1.0; }
double Exp(double t_s) { return std::exp(t_s); }
double Sin(double t_s) { return std::sin(t_s); }

// Expects `call` to throw InputError whose message contains `fragment`.
template <typename Call>
void ExpectInputError(const Call& call, const std::string& fragment) {
  try {
    call();
    ADD_FAILURE() << "expected an InputError mentioning '" << fragment << "'";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos)
        << "message '" << error.what() << "' lacks '" << fragment << "'";
  }
}

// ---------------------------------------------------------------------------
// SineWaveform

// w(t) = offset + A sin(2π f t + phase)
TEST(SineWaveformTest, Values) {
  const double amplitude = 1.5, frequency_Hz = 0.5, phase_rad = 0.3, offset = 0.2;
  const SineWaveform wave(amplitude, frequency_Hz, phase_rad, offset);
  for (double t_s : {0.0, 0.25, 1.0, 3.7}) {
    const double expected = offset + amplitude * std::sin(std::numbers::pi * t_s + phase_rad);
    EXPECT_NEAR(wave.Value(t_s), expected, 1e-15) << "t = " << t_s;
  }
  // One period later (2 s) the value repeats.
  EXPECT_NEAR(wave.Value(2.8), wave.Value(0.8), 1e-14);

  // Zero phase and offset by default: a peak of A at a quarter period.
  const SineWaveform plain(2.0, 4.0);
  EXPECT_DOUBLE_EQ(plain.Value(0.0), 0.0);
  EXPECT_DOUBLE_EQ(plain.Value(1.0 / 16.0), 2.0);
}

// ---------------------------------------------------------------------------
// SampledWaveform, linear interpolation

TEST(SampledWaveformTest, LinearInterpolationIsExactOnLinearData) {
  const std::vector<double> times_s = SampleTimes();
  const SampledWaveform wave(times_s, Sample(times_s, Line), Interpolation::kLinear);
  for (int j = -10; j <= 220; ++j) {
    const double t_s = 0.01 * j;
    EXPECT_NEAR(wave.Value(t_s), Line(std::clamp(t_s, 0.0, 2.1)), 1e-14) << "t = " << t_s;
  }
}

TEST(SampledWaveformTest, LinearInterpolationBetweenSamples) {
  const SampledWaveform wave({0.0, 1.0, 3.0}, {1.0, 3.0, -1.0}, Interpolation::kLinear);
  EXPECT_DOUBLE_EQ(wave.Value(0.5), 2.0);
  EXPECT_DOUBLE_EQ(wave.Value(1.0), 3.0);
  EXPECT_DOUBLE_EQ(wave.Value(2.5), 0.0);
}

TEST(SampledWaveformTest, HoldsEndValuesOutsideTheRange) {
  for (Interpolation interpolation : {Interpolation::kLinear, Interpolation::kCubic}) {
    const std::vector<double> times_s = SampleTimes();
    const SampledWaveform wave(times_s, Sample(times_s, Exp), interpolation);
    EXPECT_EQ(wave.Value(-1.0), 1.0);
    EXPECT_EQ(wave.Value(0.0), 1.0);
    EXPECT_EQ(wave.Value(2.1), std::exp(2.1));
    EXPECT_EQ(wave.Value(100.0), std::exp(2.1));
  }
  const SampledWaveform single({1.0}, {4.0}, Interpolation::kCubic);
  EXPECT_EQ(single.Value(0.0), 4.0);
  EXPECT_EQ(single.Value(2.0), 4.0);
}

// ---------------------------------------------------------------------------
// SampledWaveform, natural cubic spline

TEST(CubicSplineTest, ReproducesALinearFunction) {
  const std::vector<double> times_s = SampleTimes();
  const SampledWaveform wave(times_s, Sample(times_s, Line), Interpolation::kCubic);
  for (int j = 0; j <= 210; ++j) {
    const double t_s = 0.01 * j;
    EXPECT_NEAR(wave.Value(t_s), Line(t_s), 1e-13) << "t = " << t_s;
  }
}

TEST(CubicSplineTest, InterpolatesTheSamples) {
  const std::vector<double> times_s = SampleTimes();
  const std::vector<double> values = Sample(times_s, Exp);
  const SampledWaveform wave(times_s, values, Interpolation::kCubic);
  for (size_t k = 0; k < times_s.size(); ++k) {
    EXPECT_NEAR(wave.Value(times_s[k]), values[k], 1e-14) << "sample " << k;
  }
}

// w''(t) at the left end of the cubic piece on [t, t + 3δ]:
//   w'' = (2 w(t) - 5 w(t + δ) + 4 w(t + 2δ) - w(t + 3δ)) / δ²,
// exact for cubics. A negative δ looks to the left of t.
double SplineCurvature(const Waveform& wave, double t_s, double delta_s) {
  const double w0 = wave.Value(t_s), w1 = wave.Value(t_s + delta_s);
  const double w2 = wave.Value(t_s + 2.0 * delta_s), w3 = wave.Value(t_s + 3.0 * delta_s);
  return (2.0 * w0 - 5.0 * w1 + 4.0 * w2 - w3) / (delta_s * delta_s);
}

// The natural end conditions w''(t_0) = w''(t_(N-1)) = 0 hold although the
// sampled function, exp, has w'' = exp(t) > 1.
TEST(CubicSplineTest, SecondDerivativeVanishesAtTheEnds) {
  const std::vector<double> t_s = SampleTimes();
  const SampledWaveform wave(t_s, Sample(t_s, Exp), Interpolation::kCubic);
  // Steps of a quarter interval keep the four probes on one cubic piece.
  EXPECT_NEAR(SplineCurvature(wave, t_s[0], (t_s[1] - t_s[0]) / 4.0), 0.0, 1e-9);
  EXPECT_NEAR(SplineCurvature(wave, t_s[5], -(t_s[5] - t_s[4]) / 4.0), 0.0, 1e-9);
  // The same estimate at an interior knot sees the curvature of the data.
  EXPECT_GT(SplineCurvature(wave, t_s[2], (t_s[3] - t_s[2]) / 4.0), 1.0);
}

// Worst |spline - sin| on the interior [1.5, 2.5] of [0.5, 3.5], N intervals.
// sin'' is nonzero at both ends, so the natural end conditions are wrong
// there; their O(h²) error decays geometrically away from the ends and leaves
// the O(h⁴) error of the spline in the interior.
double InteriorSplineError(int num_intervals) {
  const double start_s = 0.5, end_s = 3.5;
  const double spacing_s = (end_s - start_s) / num_intervals;
  std::vector<double> times_s;
  for (int k = 0; k <= num_intervals; ++k) times_s.push_back(start_s + k * spacing_s);
  const SampledWaveform wave(times_s, Sample(times_s, Sin), Interpolation::kCubic);
  double worst = 0.0;
  constexpr int kNumProbes = 2000;
  for (int j = 0; j <= kNumProbes; ++j) {
    const double t_s = 1.5 + j * (1.0 / kNumProbes);
    worst = std::max(worst, std::abs(wave.Value(t_s) - std::sin(t_s)));
  }
  return worst;
}

// Least-squares slope of y against x.
double FitSlope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mean_x = 0.0, mean_y = 0.0;
  for (size_t k = 0; k < x.size(); ++k) {
    mean_x += x[k] / n;
    mean_y += y[k] / n;
  }
  double covariance = 0.0, variance = 0.0;
  for (size_t k = 0; k < x.size(); ++k) {
    covariance += (x[k] - mean_x) * (y[k] - mean_y);
    variance += (x[k] - mean_x) * (x[k] - mean_x);
  }
  return covariance / variance;
}

// log(error) against log(h) has slope 4 in the interior.
TEST(CubicSplineTest, ConvergesAtFourthOrderInTheInterior) {
  std::vector<double> log_spacing, log_error;
  std::cout << fmt::format("{:>10} {:>12} {:>14}\n", "intervals", "h (s)", "max |error|");
  for (int num_intervals : {24, 48, 96, 192, 384}) {
    const double spacing_s = 3.0 / num_intervals;
    const double error = InteriorSplineError(num_intervals);
    std::cout << fmt::format("{:>10} {:>12.4e} {:>14.4e}\n", num_intervals, spacing_s, error);
    log_spacing.push_back(std::log(spacing_s));
    log_error.push_back(std::log(error));
  }
  const double slope = FitSlope(log_spacing, log_error);
  std::cout << fmt::format("fitted slope of log error vs log h: {:.3f}\n", slope);
  EXPECT_NEAR(slope, 4.0, 0.5);
  EXPECT_LT(std::exp(log_error.back()), 1e-9);
}

// ---------------------------------------------------------------------------
// SampledWaveform, bad samples

TEST(SampledWaveformTest, RejectsBadSamples) {
  const auto build = [](std::vector<double> times_s, std::vector<double> values) {
    return SampledWaveform(std::move(times_s), std::move(values), Interpolation::kCubic);
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ExpectInputError([&] { build({0.0, 1.0, 1.0}, {0.0, 1.0, 2.0}); }, "increase strictly");
  ExpectInputError([&] { build({0.0, 2.0, 1.0}, {0.0, 1.0, 2.0}); }, "t[2] = 1 follows t[1] = 2");
  ExpectInputError([&] { build({0.0, 1.0, 2.0}, {0.0, 1.0}); }, "3 times but 2 values");
  ExpectInputError([&] { build({}, {}); }, "at least one sample");
  ExpectInputError([&] { build({0.0, 1.0, 2.0}, {0.0, nan, 2.0}); }, "sample 1 is not finite");
  ExpectInputError([&] { build({0.0, nan, 2.0}, {0.0, 1.0, 2.0}); }, "sample 1 is not finite");
}

// ---------------------------------------------------------------------------
// InputSignal

// An even sine channel and an odd cubic-spline channel.
InputSignal TwoChannelSignal() {
  const std::vector<double> times_s = SampleTimes();
  return InputSignal({
      {std::make_shared<SineWaveform>(1.5, 0.7, 0.2, 0.1), Parity::kEven},
      {std::make_shared<SampledWaveform>(times_s, Sample(times_s, Exp), Interpolation::kCubic),
       Parity::kOdd},
  });
}

TEST(InputSignalTest, ChannelCountAndEvaluate) {
  const InputSignal free_substrate;
  EXPECT_EQ(free_substrate.num_channels(), 0);
  EXPECT_EQ(free_substrate.Value(1.0).size(), 0);

  const InputSignal signal = TwoChannelSignal();
  EXPECT_EQ(signal.num_channels(), 2);
  Vector u = Vector::Constant(5, 7.0);  // the wrong size on entry
  signal.Evaluate(0.9, &u);
  ASSERT_EQ(u.size(), 2);
  EXPECT_EQ(u[0], SineWaveform(1.5, 0.7, 0.2, 0.1).Value(0.9));
  EXPECT_EQ(u, signal.Value(0.9));
}

TEST(InputSignalTest, RejectsAChannelWithoutWaveform) {
  ExpectInputError([] { InputSignal({{nullptr, Parity::kEven}}); }, "no waveform");
}

// u_e(s) = u(T - s) on even channels, -u(T - s) on odd ones.
TEST(InputSignalTest, ReversedReplayAppliesTheParity) {
  const double duration_s = 2.0;
  const InputSignal signal = TwoChannelSignal();
  const InputSignal replay = signal.ReversedReplay(duration_s);
  ASSERT_EQ(replay.num_channels(), 2);
  for (double s : {0.0, 0.45, 1.0, 1.3, 2.0}) {
    const Vector forward = signal.Value(duration_s - s);
    const Vector echo = replay.Value(s);
    EXPECT_EQ(echo[0], forward[0]) << "even channel, s = " << s;
    EXPECT_EQ(echo[1], -forward[1]) << "odd channel, s = " << s;
  }
  // Replaying the replay gives the forward signal back (P² = 1), which also
  // checks that the replay keeps each channel's parity.
  const InputSignal twice = replay.ReversedReplay(duration_s);
  for (double t_s : {0.1, 0.8, 1.9}) {
    EXPECT_TRUE(twice.Value(t_s).isApprox(signal.Value(t_s), 1e-13)) << "t = " << t_s;
  }
}

// A ramp u(t) = t read by a jittering clock gives u_j(t) - t = -δ_k: one
// delay per bin, N(0, σ²) over the bins, the same for the same seed.
TEST(InputSignalTest, TimeJitterDelaysEachBinByANormalAmount) {
  const double jitter_s = 1e-3, bin_s = 0.01;
  const InputSignal ramp(
      {{std::make_shared<SampledWaveform>(std::vector<double>{-1e3, 1e3},
                                          std::vector<double>{-1e3, 1e3}, Interpolation::kLinear),
        Parity::kEven}});
  const InputSignal jittered = ramp.WithTimeJitter(jitter_s, bin_s, 42);
  const int bins = 20000;
  double sum = 0.0, sum_squares = 0.0;
  for (int k = 0; k < bins; ++k) {
    const double t_s = (k + 0.3) * bin_s;
    const double delay_s = t_s - jittered.Value(t_s)[0];
    ASSERT_NEAR(t_s + 0.4 * bin_s - jittered.Value(t_s + 0.4 * bin_s)[0], delay_s, 1e-12)
        << "one delay per bin";
    sum += delay_s;
    sum_squares += delay_s * delay_s;
  }
  const double mean = sum / bins;
  const double deviation = std::sqrt(sum_squares / bins - mean * mean);
  std::cout << fmt::format("jitter over {} bins: mean {:.3g} s, deviation {:.4g} s (σ = {} s)\n",
                           bins, mean, deviation, jitter_s);
  EXPECT_LT(std::abs(mean), 4.0 * jitter_s / std::sqrt(bins));
  EXPECT_NEAR(deviation / jitter_s, 1.0, 0.03);
  // Reproducible for a seed, different for another, none without jitter.
  const InputSignal again = ramp.WithTimeJitter(jitter_s, bin_s, 42);
  const InputSignal other = ramp.WithTimeJitter(jitter_s, bin_s, 43);
  EXPECT_EQ(again.Value(1.234)[0], jittered.Value(1.234)[0]);
  EXPECT_NE(other.Value(1.234)[0], jittered.Value(1.234)[0]);
  EXPECT_EQ(ramp.WithTimeJitter(0.0, bin_s, 42).Value(1.234)[0], ramp.Value(1.234)[0]);
  ExpectInputError([&] { ramp.WithTimeJitter(-1e-3, bin_s, 1); }, "jitter");
  ExpectInputError([&] { ramp.WithTimeJitter(1e-3, 0.0, 1); }, "bin");
}

}  // namespace
}  // namespace echolab
