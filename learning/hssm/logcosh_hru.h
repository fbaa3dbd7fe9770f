#pragma once

#include <random>

#include "learning/hssm/hru_unit.h"

namespace echolab {

/// The nonlinear (log-cosh, UnICORNN-like) HRU with a fixed step δ:
///
///   H = ½|p|² + Σ_i [ α/2 q_i² + c'_i log cosh(z_i) / W_i ],   z = W ⊙ q + f + b,
///
/// f = B u, c' = σ(σ(ĉ)), one scalar α per layer, force −α q − c' tanh(z).
/// Raw parameters: W (P), b (P), ĉ (P), then α. A view for one evaluation, not shared
/// between threads (it keeps per-step buffers).
class LogCoshHru final : public HruUnit {
 public:
  LogCoshHru(Eigen::Ref<const Eigen::VectorXd> raw, int state_size, double step);

  static int ParameterCount(int state_size) { return 3 * state_size + 1; }
  static std::vector<std::string> ParameterNames(int state_size);
  /// W ~ U[0.5, 1], b = 0, ĉ ~ U[0, 1] (U[−1, 1] with `symmetric_scale`, the HSSM paper's
  /// code), α ~ U[0.1, 1].
  static void Initialise(Eigen::Ref<Eigen::VectorXd> raw, std::mt19937_64& rng,
                         bool symmetric_scale = false);

  int parameter_count() const override { return ParameterCount(state_size()); }
  bool step_is_trainable() const override { return false; }
  void PotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                         Eigen::MatrixXd& g) const override;
  void Potential(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                 Eigen::MatrixXd& v) const override;
  void AddPotentialParameterGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                     const Eigen::MatrixXd& w, Eigen::Ref<Eigen::VectorXd> grad,
                                     Eigen::MatrixXd& force_gradient) const override;
  void PullBackPotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                 const Eigen::MatrixXd& w, Eigen::MatrixXd& lambda_q,
                                 Eigen::MatrixXd& lambda_f,
                                 Eigen::Ref<Eigen::VectorXd> grad) const override;
  void AddStepGradient(const Eigen::VectorXd& step_gradient,
                       Eigen::Ref<Eigen::VectorXd> grad) const override;

 private:
  // z = W ⊙ q + f + b, into argument_
  const Eigen::ArrayXXd& Argument(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f) const;

  Eigen::ArrayXd weight_;       // W
  Eigen::ArrayXd bias_;         // b
  Eigen::ArrayXd scale_;        // c' = σ(σ(ĉ))
  Eigen::ArrayXd scale_slope_;  // dc'/dĉ = c'(1 − c') σ(ĉ)(1 − σ(ĉ))
  double alpha_ = 0.0;
  // Per-step buffers, sized on first use, so that the leapfrog loops do not allocate.
  mutable Eigen::ArrayXXd argument_;
  mutable Eigen::ArrayXXd tanh_;
  mutable Eigen::ArrayXXd log_cosh_;
  mutable Eigen::ArrayXXd weighted_sech2_;
};

}  // namespace echolab
