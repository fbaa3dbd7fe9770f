#pragma once

#include <memory>
#include <vector>

#include "physics/input_signal.h"

namespace echolab {

/// A SPICE source waveform w(t) together with its exact running integral
/// ∫_0^t w dt' and its derivative dw/dt (where w is smooth; the one-sided
/// value from the right at a kink). A voltage source V(t) prescribes the flux
/// Φ(t) = ∫_0^t V dt' of the node that it drives, and a capacitor next to that
/// node sees the current C dV/dt.
class SpiceWaveform : public Waveform {
 public:
  virtual double Integral(double t_s) const = 0;
  virtual double Derivative(double t_s) const = 0;
};

/// DC value: w(t) = value.
class DcWaveform final : public SpiceWaveform {
 public:
  explicit DcWaveform(double value) : value_(value) {}
  double Value(double) const override { return value_; }
  double Integral(double t_s) const override { return value_ * t_s; }
  double Derivative(double) const override { return 0.0; }

 private:
  double value_;
};

/// The SPICE damped sine SIN(vo va freq td theta phase), phase in degrees:
///   w(t) = vo + va sin(φ)                                          t < td
///   w(t) = vo + va exp(-θ (t - td)) sin(2π f (t - td) + φ)         t >= td
/// with φ = phase π / 180.
class DampedSineWaveform final : public SpiceWaveform {
 public:
  DampedSineWaveform(double offset, double amplitude, double frequency_Hz, double delay_s,
                     double damping_per_s, double phase_deg);
  double Value(double t_s) const override;
  double Integral(double t_s) const override;
  double Derivative(double t_s) const override;

 private:
  double offset_, amplitude_, angular_frequency_rad_per_s_, delay_s_, damping_per_s_, phase_rad_;
};

/// The SPICE pulse PULSE(v1 v2 td tr tf pw per): v1 until td, then every
/// period a linear rise to v2 over tr, v2 for pw, a linear fall to v1 over tf
/// and v1 for the rest of the period. A zero rise or fall time is a jump.
class PulseWaveform final : public SpiceWaveform {
 public:
  PulseWaveform(double initial, double pulsed, double delay_s, double rise_s, double fall_s,
                double width_s, double period_s);
  double Value(double t_s) const override;
  double Integral(double t_s) const override;
  double Derivative(double t_s) const override;
  /// Whether the pulse jumps (a zero rise or fall time).
  bool HasJumps() const { return rise_s_ <= 0.0 || fall_s_ <= 0.0; }

 private:
  // ∫ (w - v1) over the first τ seconds of a period.
  double AreaAboveInitial(double tau_s) const;

  double initial_, pulsed_, delay_s_, rise_s_, fall_s_, width_s_, period_s_;
};

/// The SPICE PWL(t1 w1 t2 w2 ...): breakpoints interpolated linearly, the end
/// values held outside [t1, tN].
class PiecewiseLinearWaveform final : public SpiceWaveform {
 public:
  PiecewiseLinearWaveform(std::vector<double> times_s, std::vector<double> values);
  double Value(double t_s) const override { return interpolation_.Value(t_s); }
  double Integral(double t_s) const override;
  double Derivative(double t_s) const override;

 private:
  // ∫_{t1}^t w dt' (negative before t1).
  double IntegralFromFirstBreakpoint(double t_s) const;

  std::vector<double> times_s_, values_;
  std::vector<double> area_up_to_;  // ∫_{t1}^{t_k} w dt' per breakpoint
  SampledWaveform interpolation_;
};

/// ∫_0^t w dt' of a SPICE waveform, as a waveform of its own.
class WaveformIntegral final : public Waveform {
 public:
  explicit WaveformIntegral(std::shared_ptr<const SpiceWaveform> w) : w_(std::move(w)) {}
  double Value(double t_s) const override { return w_->Integral(t_s); }

 private:
  std::shared_ptr<const SpiceWaveform> w_;
};

/// dw/dt of a SPICE waveform, as a waveform of its own.
class WaveformDerivative final : public Waveform {
 public:
  explicit WaveformDerivative(std::shared_ptr<const SpiceWaveform> w) : w_(std::move(w)) {}
  double Value(double t_s) const override { return w_->Derivative(t_s); }

 private:
  std::shared_ptr<const SpiceWaveform> w_;
};

}  // namespace echolab
