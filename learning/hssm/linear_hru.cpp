#include "learning/hssm/linear_hru.h"

#include <fmt/format.h>

namespace echolab {

LinearHru::LinearHru(Eigen::Ref<const Eigen::VectorXd> raw, int state_size) {
  const Eigen::ArrayXd a_hat = raw.head(state_size).array();
  stiffness_ = a_hat.max(0.0);
  stiffness_active_ = (a_hat > 0.0).cast<double>();
  // δ = sigmoid(δ̂)
  step_ = 1.0 / (1.0 + (-raw.segment(state_size, state_size).array()).exp());
}

std::vector<std::string> LinearHru::ParameterNames(int state_size) {
  std::vector<std::string> names;
  for (int i = 0; i < state_size; ++i) names.push_back(fmt::format("A[{}]", i));
  for (int i = 0; i < state_size; ++i) names.push_back(fmt::format("step[{}]", i));
  return names;
}

void LinearHru::Initialise(Eigen::Ref<Eigen::VectorXd> raw, std::mt19937_64& rng,
                           bool uniform_step) {
  const Eigen::Index state_size = raw.size() / 2;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (Eigen::Index i = 0; i < state_size; ++i) raw(i) = uniform(rng);
  for (Eigen::Index i = 0; i < state_size; ++i) {
    raw(state_size + i) = uniform_step ? uniform(rng) : normal(rng);
  }
}

void LinearHru::PotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                  Eigen::MatrixXd& g) const {
  // ∂v/∂q = A q − f
  g.array() = q.array().colwise() * stiffness_ - f.array();
}

void LinearHru::Potential(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                          Eigen::MatrixXd& v) const {
  // v = ½ A q² − f q
  v.array() = (0.5 * q.array().square()).colwise() * stiffness_ - f.array() * q.array();
}

void LinearHru::AddPotentialParameterGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                              const Eigen::MatrixXd& w,
                                              Eigen::Ref<Eigen::VectorXd> grad,
                                              Eigen::MatrixXd& force_gradient) const {
  (void)f;
  const Eigen::Index n = stiffness_.size();
  // ∂v/∂A = ½ q², chained through the ReLU
  grad.head(n).array() +=
      0.5 * (w.array() * q.array().square()).rowwise().sum() * stiffness_active_;
  // ∂v/∂f = −q
  force_gradient.array() = -w.array() * q.array();
}

void LinearHru::PullBackPotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                          const Eigen::MatrixXd& w, Eigen::MatrixXd& lambda_q,
                                          Eigen::MatrixXd& lambda_f,
                                          Eigen::Ref<Eigen::VectorXd> grad) const {
  (void)f;
  const Eigen::Index n = stiffness_.size();
  // g = A q − f:  ∂g/∂q = A, ∂g/∂f = −1, ∂g/∂A = q
  lambda_q.array() += w.array().colwise() * stiffness_;
  lambda_f = -w;
  grad.head(n).array() += (w.array() * q.array()).rowwise().sum() * stiffness_active_;
}

void LinearHru::PotentialGradientPair(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                                      const Eigen::MatrixXd& f, Eigen::MatrixXd& g_mean,
                                      Eigen::MatrixXd& g_half_difference) const {
  // g = A q − f is affine:  g_mean = A m − f,  g_half_difference = A d
  PotentialGradient(m, f, g_mean);
  g_half_difference.array() = d.array().colwise() * stiffness_;
}

void LinearHru::PotentialHalfDifference(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                                        const Eigen::MatrixXd& f, Eigen::MatrixXd& v) const {
  // ½ [v(m + d) − v(m − d)] = d (A m − f)
  v.array() = d.array() * ((m.array().colwise() * stiffness_) - f.array());
}

void LinearHru::AddPotentialParameterHalfDifference(const Eigen::MatrixXd& m,
                                                    const Eigen::MatrixXd& d,
                                                    const Eigen::MatrixXd& f,
                                                    const Eigen::MatrixXd& w,
                                                    Eigen::Ref<Eigen::VectorXd> grad,
                                                    Eigen::MatrixXd& force_gradient) const {
  (void)f;
  const Eigen::Index n = stiffness_.size();
  // ∂v/∂A = ½ q²:  ½ [½ (m + d)² − ½ (m − d)²] = m d, chained through the ReLU
  grad.head(n).array() += (w.array() * m.array() * d.array()).rowwise().sum() * stiffness_active_;
  // ∂v/∂f = −q:  ½ [−(m + d) + (m − d)] = −d
  force_gradient.array() = -w.array() * d.array();
}

void LinearHru::AddStepGradient(const Eigen::VectorXd& step_gradient,
                                Eigen::Ref<Eigen::VectorXd> grad) const {
  const Eigen::Index n = stiffness_.size();
  // dδ/dδ̂ = δ (1 − δ)
  grad.segment(n, n).array() += step_gradient.array() * step_ * (1.0 - step_);
}

}  // namespace echolab
