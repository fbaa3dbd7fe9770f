#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "physics/phase_state.h"

namespace echolab {

/// A scalar waveform w(t), t in s.
class Waveform {
 public:
  virtual ~Waveform() = default;
  virtual double Value(double t_s) const = 0;
};

/// w(t) = value.
class ConstantWaveform final : public Waveform {
 public:
  explicit ConstantWaveform(double value) : value_(value) {}
  double Value(double) const override { return value_; }

 private:
  double value_;
};

/// w(t) = offset + amplitude sin(2π f t + phase).
class SineWaveform final : public Waveform {
 public:
  SineWaveform(double amplitude, double frequency_Hz, double phase_rad = 0.0, double offset = 0.0);
  double Value(double t_s) const override;

 private:
  double amplitude_, angular_frequency_rad_per_s_, phase_rad_, offset_;
};

enum class Interpolation { kLinear, kCubic };

/// Interpolates samples (t_k, w_k), k = 0..N-1, with strictly increasing t_k:
/// piecewise linear, or a natural cubic spline (second derivative zero at both
/// ends). Outside [t_0, t_{N-1}] the end values are held. Piecewise-linear
/// inputs are this class with kLinear and the breakpoints as samples.
class SampledWaveform final : public Waveform {
 public:
  SampledWaveform(std::vector<double> times_s, std::vector<double> values,
                  Interpolation interpolation);
  double Value(double t_s) const override;

 private:
  std::vector<double> times_s_;
  std::vector<double> values_;
  std::vector<double> second_derivatives_;  // spline moments; empty for kLinear
};

/// Behaviour of an input channel under time reversal: even for a force or a
/// current source coupled to a position, odd for one coupled to a momentum.
enum class Parity { kEven, kOdd };

struct InputChannel {
  std::shared_ptr<const Waveform> waveform;
  Parity parity = Parity::kEven;
};

/// Input u(t) in R^m: one waveform per channel, each with its parity P_c.
class InputSignal {
 public:
  /// No channels (a free substrate).
  InputSignal() = default;
  explicit InputSignal(std::vector<InputChannel> channels);

  int num_channels() const { return static_cast<int>(channels_.size()); }
  /// u(t), written into *u (resized to num_channels).
  void Evaluate(double t_s, Vector* u) const;
  Vector Value(double t_s) const;

  /// The time-reversed replay that the echo pass sees, over a pass of duration
  /// T: u_e(s) = P u(T - s), with P = +1 (even) or -1 (odd) per channel.
  InputSignal ReversedReplay(double duration_s) const;
  /// The same channels read by a jittering clock: u_j(t) = u(t - δ_k), with
  /// one delay δ_k ~ N(0, jitter²) per bin k = floor(t / bin), shared by all
  /// channels and determined by (seed, k) alone, so that a replay is
  /// reproducible. Throws InputError for a negative jitter or a bin <= 0.
  InputSignal WithTimeJitter(double jitter_s, double bin_s, std::uint64_t seed) const;

 private:
  std::vector<InputChannel> channels_;
};

}  // namespace echolab
