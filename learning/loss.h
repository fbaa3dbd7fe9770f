#pragma once

#include <memory>
#include <vector>

#include "learning/readout.h"
#include "physics/input_signal.h"

namespace echolab {

/// A loss over one pass of duration T, with t measured from the pass's start:
///
///   L(θ, x0) = ∫_0^T l(x(t), t, θ) dt + l_T(x(T), θ).
///
/// The echo pass sees l_e(x, s) = l(Sz x, T - s) (theory.md section 3).
class Loss {
 public:
  virtual ~Loss() = default;

  /// l(x, t, θ) and its gradients ∇x l, ∂l/∂θ.
  virtual double Running(const PhaseState& x, double t_s, const Vector& theta) const = 0;
  virtual void RunningGradient(const PhaseState& x, double t_s, const Vector& theta,
                               PhaseState* grad) const = 0;
  virtual void RunningParameterGradient(const PhaseState& x, double t_s, const Vector& theta,
                                        Vector* grad) const = 0;
  /// l_T(x, θ) and its gradients.
  virtual double Terminal(const PhaseState& x, const Vector& theta) const = 0;
  virtual void TerminalGradient(const PhaseState& x, const Vector& theta,
                                PhaseState* grad) const = 0;
  virtual void TerminalParameterGradient(const PhaseState& x, const Vector& theta,
                                         Vector* grad) const = 0;
  /// Whether l depends on positions or momenta (never both, so that the
  /// nudged echo stays separable).
  virtual ReadoutDependence dependence() const = 0;
  /// False when ∂l/∂θ and ∂l_T/∂θ vanish, so that callers may skip them.
  virtual bool has_direct_parameter_term() const = 0;
  /// The degrees of freedom that l reads (Readout::ReadDofs), or empty when
  /// it may read every entry of x.
  virtual std::vector<int> ReadDofs() const { return {}; }
};

/// Tracking of targets by read-outs r(x, θ) in R^m:
///
///   l(x, t)  = ½ Σ_k w_k (r_k(x, θ) - y_k(t))²
///   l_T(x)   = ½ Σ_k w^T_k (r_k(x, θ) - y^T_k)²
///
/// with targets y(t) given as waveforms (one channel per read-out), running
/// weights w and terminal weights w^T (zero for no terminal term).
class TrackingLoss final : public Loss {
 public:
  TrackingLoss(std::shared_ptr<const Readout> readout, InputSignal targets, Vector running_weights,
               Vector terminal_weights, Vector terminal_targets);

  double Running(const PhaseState& x, double t_s, const Vector& theta) const override;
  void RunningGradient(const PhaseState& x, double t_s, const Vector& theta,
                       PhaseState* grad) const override;
  void RunningParameterGradient(const PhaseState& x, double t_s, const Vector& theta,
                                Vector* grad) const override;
  double Terminal(const PhaseState& x, const Vector& theta) const override;
  void TerminalGradient(const PhaseState& x, const Vector& theta, PhaseState* grad) const override;
  void TerminalParameterGradient(const PhaseState& x, const Vector& theta,
                                 Vector* grad) const override;
  ReadoutDependence dependence() const override { return readout_->dependence(); }
  bool has_direct_parameter_term() const override { return readout_->depends_on_parameters(); }
  std::vector<int> ReadDofs() const override { return readout_->ReadDofs(); }

  const Readout& readout() const { return *readout_; }

 private:
  // Weighted residuals w ⊙ (r - y) of the running or terminal term.
  Vector RunningResidual(const PhaseState& x, double t_s, const Vector& theta) const;
  Vector TerminalResidual(const PhaseState& x, const Vector& theta) const;

  std::shared_ptr<const Readout> readout_;
  InputSignal targets_;
  Vector running_weights_;
  Vector terminal_weights_;
  Vector terminal_targets_;
};

}  // namespace echolab
