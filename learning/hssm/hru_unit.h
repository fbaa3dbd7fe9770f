#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace echolab {

/// The Hamiltonian of a Hamiltonian recurrent unit (HRU) with P units, in the form whose
/// leapfrog step is 1 and whose step sizes δ_i sit inside H:
///
///   H(q, p, f) = Σ_i δ_i [ p_i²/2 + v_i(q_i, f_i) ],
///
/// with f = B u the force input of one time step. A unit supplies the per-unit potential v
/// and its derivatives for a batch (P × batch matrices, one column per sequence); the
/// leapfrog, the echo and the reverse pass are shared (hru_core.h). A unit is a view on
/// its raw parameters (a segment of the model's flat vector), built for one evaluation;
/// gradients are returned in the same raw layout.
class HruUnit {
 public:
  virtual ~HruUnit() = default;

  int state_size() const { return static_cast<int>(step_.size()); }
  /// δ_i, the step of each unit.
  const Eigen::ArrayXd& step() const { return step_; }
  /// The number of raw parameters.
  virtual int parameter_count() const = 0;
  /// Whether δ is a trained parameter (then AddStepGradient maps dL/dδ into the raw layout).
  virtual bool step_is_trainable() const = 0;

  /// g = ∂v/∂q at (q, f).
  virtual void PotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                 Eigen::MatrixXd& g) const = 0;
  /// v = v_i(q_i, f_i) per entry.
  virtual void Potential(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                         Eigen::MatrixXd& v) const = 0;
  /// grad += Σ_b w ⊙ ∂v/∂θ (raw layout) and force_gradient = w ⊙ ∂v/∂f.
  virtual void AddPotentialParameterGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                             const Eigen::MatrixXd& w,
                                             Eigen::Ref<Eigen::VectorXd> grad,
                                             Eigen::MatrixXd& force_gradient) const = 0;
  /// The transpose of g = ∂v/∂q applied to a cotangent w on g:
  /// lambda_q += (∂g/∂q)ᵀ w, lambda_f = (∂g/∂f)ᵀ w, grad += Σ_b (∂g/∂θ)ᵀ w.
  virtual void PullBackPotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                         const Eigen::MatrixXd& w, Eigen::MatrixXd& lambda_q,
                                         Eigen::MatrixXd& lambda_f,
                                         Eigen::Ref<Eigen::VectorXd> grad) const = 0;
  /// The pair form of two nearby states q± = m ± d (the two echoes of RHEL), with g = ∂v/∂q
  /// at f: g_mean = ½ [g(m + d) + g(m − d)], g_half_difference = ½ [g(m + d) − g(m − d)].
  /// The default evaluates g at both points; a unit may override it (and the two below) with
  /// forms that do not subtract nearly equal values.
  virtual void PotentialGradientPair(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                                     const Eigen::MatrixXd& f, Eigen::MatrixXd& g_mean,
                                     Eigen::MatrixXd& g_half_difference) const;
  /// v = ½ [v(m + d) − v(m − d)] per entry.
  virtual void PotentialHalfDifference(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                                       const Eigen::MatrixXd& f, Eigen::MatrixXd& v) const;
  /// grad += Σ_b w ⊙ ½ [∂v/∂θ(m + d) − ∂v/∂θ(m − d)] (raw layout) and
  /// force_gradient = w ⊙ ½ [∂v/∂f(m + d) − ∂v/∂f(m − d)].
  virtual void AddPotentialParameterHalfDifference(const Eigen::MatrixXd& m,
                                                   const Eigen::MatrixXd& d,
                                                   const Eigen::MatrixXd& f,
                                                   const Eigen::MatrixXd& w,
                                                   Eigen::Ref<Eigen::VectorXd> grad,
                                                   Eigen::MatrixXd& force_gradient) const;
  /// grad += (dδ/dθ)ᵀ step_gradient, for a trainable step.
  virtual void AddStepGradient(const Eigen::VectorXd& step_gradient,
                               Eigen::Ref<Eigen::VectorXd> grad) const = 0;

 protected:
  Eigen::ArrayXd step_;
};

}  // namespace echolab
