#include "physics/input_signal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "common/error.h"

namespace echolab {
namespace {

// w_e(s) = P w(T - s): the replay of a waveform backwards in time, P = ±1.
class ReversedWaveform final : public Waveform {
 public:
  ReversedWaveform(std::shared_ptr<const Waveform> forward, double duration_s, double parity)
      : forward_(std::move(forward)), duration_s_(duration_s), parity_(parity) {}
  double Value(double t_s) const override { return parity_ * forward_->Value(duration_s_ - t_s); }

 private:
  std::shared_ptr<const Waveform> forward_;
  double duration_s_;
  double parity_;
};

// A standard normal number that depends only on (seed, index): SplitMix64
// of the pair gives two uniforms, Box-Muller turns them into N(0, 1). The
// same index always gives the same number, from any thread.
double CounterNormal(std::uint64_t seed, std::int64_t index) {
  const auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const std::uint64_t first = mix(seed ^ mix(static_cast<std::uint64_t>(index)));
  const std::uint64_t second = mix(first);
  // Uniforms in (0, 1] and [0, 1) from the top 53 bits.
  const double u1 = (static_cast<double>(first >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(second >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// w_j(t) = w(t - δ_k), k = floor(t / bin): a waveform read by a clock whose
// delay δ_k ~ N(0, σ²) is redrawn every bin.
class JitteredWaveform final : public Waveform {
 public:
  JitteredWaveform(std::shared_ptr<const Waveform> inner, double jitter_s, double bin_s,
                   std::uint64_t seed)
      : inner_(std::move(inner)), jitter_s_(jitter_s), bin_s_(bin_s), seed_(seed) {}
  double Value(double t_s) const override {
    const auto bin = static_cast<std::int64_t>(std::floor(t_s / bin_s_));
    return inner_->Value(t_s - jitter_s_ * CounterNormal(seed_, bin));
  }

 private:
  std::shared_ptr<const Waveform> inner_;
  double jitter_s_, bin_s_;
  std::uint64_t seed_;
};

// Moments M_k = w''(t_k) of the natural cubic spline through (t_k, w_k):
//   h_{k-1} M_{k-1} + 2 (h_{k-1} + h_k) M_k + h_k M_{k+1}
//       = 6 [(w_{k+1} - w_k)/h_k - (w_k - w_{k-1})/h_{k-1}],   M_0 = M_{N-1} = 0,
// solved with the Thomas algorithm.
std::vector<double> NaturalSplineMoments(const std::vector<double>& t,
                                         const std::vector<double>& w) {
  const size_t n = t.size();
  std::vector<double> moments(n, 0.0);
  if (n < 3) return moments;
  std::vector<double> diag(n, 1.0), upper(n, 0.0), rhs(n, 0.0);
  for (size_t k = 1; k + 1 < n; ++k) {
    const double h0 = t[k] - t[k - 1], h1 = t[k + 1] - t[k];
    const double lower = h0;
    diag[k] = 2.0 * (h0 + h1);
    upper[k] = h1;
    rhs[k] = 6.0 * ((w[k + 1] - w[k]) / h1 - (w[k] - w[k - 1]) / h0);
    // Forward elimination against row k - 1.
    const double factor = lower / diag[k - 1];
    diag[k] -= factor * upper[k - 1];
    rhs[k] -= factor * rhs[k - 1];
  }
  for (size_t k = n - 2; k >= 1; --k) {
    moments[k] = (rhs[k] - upper[k] * moments[k + 1]) / diag[k];
  }
  return moments;
}

}  // namespace

SineWaveform::SineWaveform(double amplitude, double frequency_Hz, double phase_rad, double offset)
    : amplitude_(amplitude),
      angular_frequency_rad_per_s_(2.0 * std::numbers::pi * frequency_Hz),
      phase_rad_(phase_rad),
      offset_(offset) {}

double SineWaveform::Value(double t_s) const {
  return offset_ + amplitude_ * std::sin(angular_frequency_rad_per_s_ * t_s + phase_rad_);
}

SampledWaveform::SampledWaveform(std::vector<double> times_s, std::vector<double> values,
                                 Interpolation interpolation)
    : times_s_(std::move(times_s)), values_(std::move(values)) {
  if (times_s_.size() != values_.size()) {
    throw InputError(
        fmt::format("sampled waveform: {} times but {} values", times_s_.size(), values_.size()));
  }
  if (times_s_.empty()) throw InputError("sampled waveform: expected at least one sample");
  for (size_t k = 0; k < times_s_.size(); ++k) {
    if (!std::isfinite(times_s_[k]) || !std::isfinite(values_[k])) {
      throw InputError(fmt::format("sampled waveform: sample {} is not finite", k));
    }
    if (k > 0 && !(times_s_[k] > times_s_[k - 1])) {
      throw InputError(fmt::format(
          "sampled waveform: times must increase strictly, but t[{}] = {} follows t[{}] = {}", k,
          times_s_[k], k - 1, times_s_[k - 1]));
    }
  }
  if (interpolation == Interpolation::kCubic) {
    second_derivatives_ = NaturalSplineMoments(times_s_, values_);
  }
}

double SampledWaveform::Value(double t_s) const {
  if (t_s <= times_s_.front()) return values_.front();
  if (t_s >= times_s_.back()) return values_.back();
  const size_t k1 = static_cast<size_t>(std::upper_bound(times_s_.begin(), times_s_.end(), t_s) -
                                        times_s_.begin());
  const size_t k0 = k1 - 1;
  const double h = times_s_[k1] - times_s_[k0];
  const double a = (times_s_[k1] - t_s) / h;  // weight of the left sample
  const double b = 1.0 - a;
  double value = a * values_[k0] + b * values_[k1];
  if (!second_derivatives_.empty()) {
    // Cubic spline: w = a w0 + b w1 + [(a³ - a) M0 + (b³ - b) M1] h² / 6.
    value +=
        ((a * a * a - a) * second_derivatives_[k0] + (b * b * b - b) * second_derivatives_[k1]) *
        h * h / 6.0;
  }
  return value;
}

InputSignal::InputSignal(std::vector<InputChannel> channels) : channels_(std::move(channels)) {
  for (const auto& channel : channels_) {
    if (!channel.waveform) throw InputError("input signal: a channel has no waveform");
  }
}

void InputSignal::Evaluate(double t_s, Vector* u) const {
  u->resize(num_channels());
  for (int c = 0; c < num_channels(); ++c) (*u)[c] = channels_[c].waveform->Value(t_s);
}

Vector InputSignal::Value(double t_s) const {
  Vector u;
  Evaluate(t_s, &u);
  return u;
}

InputSignal InputSignal::ReversedReplay(double duration_s) const {
  std::vector<InputChannel> reversed;
  reversed.reserve(channels_.size());
  for (const auto& channel : channels_) {
    const double sign = channel.parity == Parity::kEven ? 1.0 : -1.0;
    reversed.push_back(
        {std::make_shared<ReversedWaveform>(channel.waveform, duration_s, sign), channel.parity});
  }
  return InputSignal(std::move(reversed));
}

InputSignal InputSignal::WithTimeJitter(double jitter_s, double bin_s, std::uint64_t seed) const {
  if (!(jitter_s >= 0.0) || !std::isfinite(jitter_s) || !(bin_s > 0.0)) {
    throw InputError(fmt::format(
        "input time jitter: expected a finite jitter >= 0 s and a bin > 0 s, got {} s and {} s",
        jitter_s, bin_s));
  }
  std::vector<InputChannel> jittered;
  jittered.reserve(channels_.size());
  for (const auto& channel : channels_) {
    jittered.push_back({std::make_shared<JitteredWaveform>(channel.waveform, jitter_s, bin_s, seed),
                        channel.parity});
  }
  return InputSignal(std::move(jittered));
}

}  // namespace echolab
