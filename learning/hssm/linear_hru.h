#pragma once

#include <random>

#include "learning/hssm/hru_unit.h"

namespace echolab {

/// The linear HRU (LinOSS with leapfrog): H = ½|p|² + ½ qᵀ A q − qᵀ f per unit of time,
/// f = B u, with A = ReLU(Â) diagonal and a trained step δ = sigmoid(δ̂) per unit, absorbed
/// into H as H_δ = Σ_i δ_i (½ p_i² + ½ A_i q_i² − f_i q_i).
/// Raw parameters: Â (P), then δ̂ (P).
class LinearHru final : public HruUnit {
 public:
  LinearHru(Eigen::Ref<const Eigen::VectorXd> raw, int state_size);

  static int ParameterCount(int state_size) { return 2 * state_size; }
  static std::vector<std::string> ParameterNames(int state_size);
  /// Â ~ U[0, 1]; δ̂ ~ N(0, 1), or U[0, 1] with `uniform_step` (the HSSM paper's code).
  static void Initialise(Eigen::Ref<Eigen::VectorXd> raw, std::mt19937_64& rng,
                         bool uniform_step = false);

  int parameter_count() const override { return ParameterCount(state_size()); }
  bool step_is_trainable() const override { return true; }
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
  void PotentialGradientPair(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                             const Eigen::MatrixXd& f, Eigen::MatrixXd& g_mean,
                             Eigen::MatrixXd& g_half_difference) const override;
  void PotentialHalfDifference(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                               const Eigen::MatrixXd& f, Eigen::MatrixXd& v) const override;
  void AddPotentialParameterHalfDifference(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                                           const Eigen::MatrixXd& f, const Eigen::MatrixXd& w,
                                           Eigen::Ref<Eigen::VectorXd> grad,
                                           Eigen::MatrixXd& force_gradient) const override;

 private:
  Eigen::ArrayXd stiffness_;         // A = ReLU(Â)
  Eigen::ArrayXd stiffness_active_;  // dA/dÂ = 1[Â > 0]
};

}  // namespace echolab
