#include "learning/hssm/logcosh_hru.h"

#include <fmt/format.h>

#include <cmath>

namespace echolab {
namespace {

Eigen::ArrayXd Sigmoid(const Eigen::ArrayXd& x) { return 1.0 / (1.0 + (-x).exp()); }

// log cosh z = |z| + log(1 + e^(−2|z|)) − log 2, without overflow
template <class Derived>
auto LogCosh(const Eigen::ArrayBase<Derived>& z) {
  return z.abs() + (-2.0 * z.abs()).exp().log1p() - std::log(2.0);
}

}  // namespace

LogCoshHru::LogCoshHru(Eigen::Ref<const Eigen::VectorXd> raw, int state_size, double step) {
  weight_ = raw.head(state_size).array();
  bias_ = raw.segment(state_size, state_size).array();
  const Eigen::ArrayXd inner = Sigmoid(raw.segment(2 * state_size, state_size).array());
  scale_ = Sigmoid(inner);
  scale_slope_ = scale_ * (1.0 - scale_) * inner * (1.0 - inner);
  alpha_ = raw(3 * state_size);
  step_ = Eigen::ArrayXd::Constant(state_size, step);
}

std::vector<std::string> LogCoshHru::ParameterNames(int state_size) {
  std::vector<std::string> names;
  for (const char* group : {"W", "b", "c"}) {
    for (int i = 0; i < state_size; ++i) names.push_back(fmt::format("{}[{}]", group, i));
  }
  names.push_back("alpha");
  return names;
}

void LogCoshHru::Initialise(Eigen::Ref<Eigen::VectorXd> raw, std::mt19937_64& rng,
                            bool symmetric_scale) {
  const Eigen::Index state_size = (raw.size() - 1) / 3;
  std::uniform_real_distribution<double> weight(0.5, 1.0);
  std::uniform_real_distribution<double> scale(symmetric_scale ? -1.0 : 0.0, 1.0);
  std::uniform_real_distribution<double> alpha(0.1, 1.0);
  for (Eigen::Index i = 0; i < state_size; ++i) raw(i) = weight(rng);
  raw.segment(state_size, state_size).setZero();
  for (Eigen::Index i = 0; i < state_size; ++i) raw(2 * state_size + i) = scale(rng);
  raw(3 * state_size) = alpha(rng);
}

const Eigen::ArrayXXd& LogCoshHru::Argument(const Eigen::MatrixXd& q,
                                            const Eigen::MatrixXd& f) const {
  // z = W ⊙ q + f + b
  argument_ = q.array().colwise() * weight_ + f.array();
  argument_.colwise() += bias_;
  return argument_;
}

void LogCoshHru::PotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                   Eigen::MatrixXd& g) const {
  // ∂v/∂q = α q + c' tanh z
  g.array() = alpha_ * q.array() + Argument(q, f).tanh().colwise() * scale_;
}

void LogCoshHru::Potential(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                           Eigen::MatrixXd& v) const {
  // v = α/2 q² + c' log cosh(z) / W
  v.array() =
      0.5 * alpha_ * q.array().square() + LogCosh(Argument(q, f)).colwise() * (scale_ / weight_);
}

void LogCoshHru::AddPotentialParameterGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                               const Eigen::MatrixXd& w,
                                               Eigen::Ref<Eigen::VectorXd> grad,
                                               Eigen::MatrixXd& force_gradient) const {
  const Eigen::Index n = weight_.size();
  const Eigen::ArrayXXd& z = Argument(q, f);
  tanh_ = z.tanh();
  log_cosh_ = LogCosh(z);
  const Eigen::ArrayXXd& tanh_z = tanh_;
  const Eigen::ArrayXXd& log_cosh_z = log_cosh_;
  // ∂v/∂W = c' [tanh(z) q / W − log cosh(z) / W²]
  grad.head(n).array() +=
      (w.array() * (tanh_z * q.array() - log_cosh_z.colwise() / weight_)).rowwise().sum() * scale_ /
      weight_;
  // ∂v/∂b = c' tanh(z) / W
  grad.segment(n, n).array() += (w.array() * tanh_z).rowwise().sum() * scale_ / weight_;
  // ∂v/∂ĉ = log cosh(z) / W · dc'/dĉ
  grad.segment(2 * n, n).array() +=
      (w.array() * log_cosh_z).rowwise().sum() * scale_slope_ / weight_;
  // ∂v/∂α = ½ q²
  grad(3 * n) += 0.5 * (w.array() * q.array().square()).sum();
  // ∂v/∂f = c' tanh(z) / W
  force_gradient.array() = w.array() * (tanh_z.colwise() * (scale_ / weight_));
}

void LogCoshHru::PullBackPotentialGradient(const Eigen::MatrixXd& q, const Eigen::MatrixXd& f,
                                           const Eigen::MatrixXd& w, Eigen::MatrixXd& lambda_q,
                                           Eigen::MatrixXd& lambda_f,
                                           Eigen::Ref<Eigen::VectorXd> grad) const {
  const Eigen::Index n = weight_.size();
  tanh_ = Argument(q, f).tanh();
  const Eigen::ArrayXXd& tanh_z = tanh_;
  // c' sech² z, weighted by the cotangent
  weighted_sech2_ = w.array() * ((1.0 - tanh_z.square()).colwise() * scale_);
  const Eigen::ArrayXXd& w_sech2 = weighted_sech2_;
  // g = α q + c' tanh z:  ∂g/∂q = α + c' W sech² z,  ∂g/∂f = ∂g/∂b = c' sech² z
  lambda_q.array() += alpha_ * w.array() + w_sech2.colwise() * weight_;
  lambda_f = w_sech2.matrix();
  // ∂g/∂W = c' sech²(z) q,  ∂g/∂ĉ = tanh(z) dc'/dĉ,  ∂g/∂α = q
  grad.head(n).array() += (w_sech2 * q.array()).rowwise().sum();
  grad.segment(n, n).array() += w_sech2.rowwise().sum();
  grad.segment(2 * n, n).array() += (w.array() * tanh_z).rowwise().sum() * scale_slope_;
  grad(3 * n) += (w.array() * q.array()).sum();
}

void LogCoshHru::AddStepGradient(const Eigen::VectorXd& step_gradient,
                                 Eigen::Ref<Eigen::VectorXd> grad) const {
  // δ is fixed: it has no raw parameter.
  (void)step_gradient;
  (void)grad;
}

}  // namespace echolab
