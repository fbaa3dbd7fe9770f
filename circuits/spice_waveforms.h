#pragma once

#include "physics/input_signal.h"

namespace echolab {

/// The SPICE damped sine SIN(vo va freq td theta phase), phase in degrees:
///   w(t) = vo + va sin(φ)                                          t < td
///   w(t) = vo + va exp(-θ (t - td)) sin(2π f (t - td) + φ)         t >= td
/// with φ = phase π / 180.
class DampedSineWaveform final : public Waveform {
 public:
  DampedSineWaveform(double offset, double amplitude, double frequency_Hz, double delay_s,
                     double damping_per_s, double phase_deg);
  double Value(double t_s) const override;

 private:
  double offset_, amplitude_, angular_frequency_rad_per_s_, delay_s_, damping_per_s_, phase_rad_;
};

/// The SPICE pulse PULSE(v1 v2 td tr tf pw per): v1 until td, then every
/// period a linear rise to v2 over tr, v2 for pw, a linear fall to v1 over tf
/// and v1 for the rest of the period. A zero rise or fall time is a jump.
class PulseWaveform final : public Waveform {
 public:
  PulseWaveform(double initial, double pulsed, double delay_s, double rise_s, double fall_s,
                double width_s, double period_s);
  double Value(double t_s) const override;

 private:
  double initial_, pulsed_, delay_s_, rise_s_, fall_s_, width_s_, period_s_;
};

}  // namespace echolab
