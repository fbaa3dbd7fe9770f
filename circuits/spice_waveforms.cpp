#include "circuits/spice_waveforms.h"

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

}  // namespace echolab
