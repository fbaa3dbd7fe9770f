#include "circuits/spice_waveforms.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace echolab {

DampedSineWaveform::DampedSineWaveform(double offset, double amplitude, double frequency_Hz,
                                       double delay_s, double damping_per_s, double phase_deg)
    : offset_(offset),
      amplitude_(amplitude),
      angular_frequency_rad_per_s_(2.0 * std::numbers::pi * frequency_Hz),
      delay_s_(delay_s),
      damping_per_s_(damping_per_s),
      phase_rad_(phase_deg * std::numbers::pi / 180.0) {}

double DampedSineWaveform::Value(double t_s) const {
  if (t_s < delay_s_) return offset_ + amplitude_ * std::sin(phase_rad_);
  const double since_s = t_s - delay_s_;
  return offset_ + amplitude_ * std::exp(-damping_per_s_ * since_s) *
                       std::sin(angular_frequency_rad_per_s_ * since_s + phase_rad_);
}

// ∫_0^t w = w(0) min(t, td) + vo s + va [F(s) - F(0)],  s = t - td >= 0, with the antiderivative
//   F(x) = e^(-θx) (-θ sin(ωx + φ) - ω cos(ωx + φ)) / (θ² + ω²)   of e^(-θx) sin(ωx + φ).
double DampedSineWaveform::Integral(double t_s) const {
  const double before_delay = offset_ + amplitude_ * std::sin(phase_rad_);
  if (t_s < delay_s_) return before_delay * t_s;
  const double s = t_s - delay_s_;
  const double theta = damping_per_s_, omega = angular_frequency_rad_per_s_;
  const double norm = theta * theta + omega * omega;
  const auto antiderivative = [&](double x) {
    return std::exp(-theta * x) *
           (-theta * std::sin(omega * x + phase_rad_) - omega * std::cos(omega * x + phase_rad_)) /
           norm;
  };
  const double oscillating =
      norm > 0.0 ? antiderivative(s) - antiderivative(0.0) : s * std::sin(phase_rad_);
  return before_delay * delay_s_ + offset_ * s + amplitude_ * oscillating;
}

// dw/dt = va e^(-θs) (ω cos(ωs + φ) - θ sin(ωs + φ)) for s = t - td >= 0, else 0.
double DampedSineWaveform::Derivative(double t_s) const {
  if (t_s < delay_s_) return 0.0;
  const double s = t_s - delay_s_;
  const double angle = angular_frequency_rad_per_s_ * s + phase_rad_;
  return amplitude_ * std::exp(-damping_per_s_ * s) *
         (angular_frequency_rad_per_s_ * std::cos(angle) - damping_per_s_ * std::sin(angle));
}

PulseWaveform::PulseWaveform(double initial, double pulsed, double delay_s, double rise_s,
                             double fall_s, double width_s, double period_s)
    : initial_(initial),
      pulsed_(pulsed),
      delay_s_(delay_s),
      rise_s_(rise_s),
      fall_s_(fall_s),
      width_s_(width_s),
      period_s_(period_s) {}

double PulseWaveform::Value(double t_s) const {
  if (t_s < delay_s_) return initial_;
  // Time into the current period, τ = (t - td) mod per.
  const double tau = std::fmod(t_s - delay_s_, period_s_);
  if (tau < rise_s_) return initial_ + (pulsed_ - initial_) * tau / rise_s_;
  if (tau < rise_s_ + width_s_) return pulsed_;
  if (tau < rise_s_ + width_s_ + fall_s_) {
    return pulsed_ + (initial_ - pulsed_) * (tau - rise_s_ - width_s_) / fall_s_;
  }
  return initial_;
}

// (v2 - v1) × { τ²/(2 tr) in the rise; tr/2 + (τ - tr) on the top;
//               tr/2 + pw + x - x²/(2 tf) in the fall, x = τ - tr - pw; tr/2 + pw + tf/2 after }
double PulseWaveform::AreaAboveInitial(double tau_s) const {
  const double step = pulsed_ - initial_;
  if (tau_s < rise_s_) return step * tau_s * tau_s / (2.0 * rise_s_);
  if (tau_s < rise_s_ + width_s_) return step * (0.5 * rise_s_ + tau_s - rise_s_);
  if (tau_s < rise_s_ + width_s_ + fall_s_) {
    const double x = tau_s - rise_s_ - width_s_;
    return step * (0.5 * rise_s_ + width_s_ + x - x * x / (2.0 * fall_s_));
  }
  return step * (0.5 * rise_s_ + width_s_ + 0.5 * fall_s_);
}

// ∫_0^t w = v1 t + n A(per) + A(τ),  t - td = n per + τ,  A the area above v1 within a period.
double PulseWaveform::Integral(double t_s) const {
  if (t_s < delay_s_) return initial_ * t_s;
  const double periods = std::floor((t_s - delay_s_) / period_s_);
  const double tau = std::fmod(t_s - delay_s_, period_s_);
  return initial_ * t_s + periods * AreaAboveInitial(period_s_) + AreaAboveInitial(tau);
}

// dw/dt = (v2 - v1)/tr in the rise, (v1 - v2)/tf in the fall, 0 elsewhere.
double PulseWaveform::Derivative(double t_s) const {
  if (t_s < delay_s_) return 0.0;
  const double tau = std::fmod(t_s - delay_s_, period_s_);
  if (tau < rise_s_) return (pulsed_ - initial_) / rise_s_;
  if (tau < rise_s_ + width_s_) return 0.0;
  if (tau < rise_s_ + width_s_ + fall_s_) return (initial_ - pulsed_) / fall_s_;
  return 0.0;
}

// area_k = Σ_{j<k} (w_j + w_{j+1}) (t_{j+1} - t_j) / 2 (trapezoids of the linear segments).
PiecewiseLinearWaveform::PiecewiseLinearWaveform(std::vector<double> times_s,
                                                 std::vector<double> values)
    : times_s_(times_s),
      values_(values),
      area_up_to_(times_s.size(), 0.0),
      interpolation_(std::move(times_s), std::move(values), Interpolation::kLinear) {
  for (size_t k = 1; k < times_s_.size(); ++k) {
    area_up_to_[k] =
        area_up_to_[k - 1] + 0.5 * (values_[k - 1] + values_[k]) * (times_s_[k] - times_s_[k - 1]);
  }
}

// ∫_{t1}^t w = area_k + (w_k + w(t)) (t - t_k) / 2 on segment k; the end values held outside.
double PiecewiseLinearWaveform::IntegralFromFirstBreakpoint(double t_s) const {
  if (t_s <= times_s_.front()) return values_.front() * (t_s - times_s_.front());
  if (t_s >= times_s_.back()) {
    return area_up_to_.back() + values_.back() * (t_s - times_s_.back());
  }
  const size_t k = static_cast<size_t>(std::upper_bound(times_s_.begin(), times_s_.end(), t_s) -
                                       times_s_.begin()) -
                   1;
  return area_up_to_[k] + 0.5 * (values_[k] + Value(t_s)) * (t_s - times_s_[k]);
}

double PiecewiseLinearWaveform::Integral(double t_s) const {
  return IntegralFromFirstBreakpoint(t_s) - IntegralFromFirstBreakpoint(0.0);
}

// dw/dt = (w_{k+1} - w_k) / (t_{k+1} - t_k) on segment k, 0 outside the breakpoints.
double PiecewiseLinearWaveform::Derivative(double t_s) const {
  if (t_s < times_s_.front() || t_s >= times_s_.back()) return 0.0;
  const size_t k = static_cast<size_t>(std::upper_bound(times_s_.begin(), times_s_.end(), t_s) -
                                       times_s_.begin()) -
                   1;
  return (values_[k + 1] - values_[k]) / (times_s_[k + 1] - times_s_[k]);
}

}  // namespace echolab
