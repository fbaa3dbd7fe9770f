#include "learning/hssm/dense_layer.h"

#include <fmt/format.h>

#include <cmath>

#include "learning/hssm/matrix_product.h"

namespace echolab {

DenseLayer::DenseLayer(int offset, int inputs, int outputs)
    : offset_(offset), inputs_(inputs), outputs_(outputs) {}

void DenseLayer::AppendParameterNames(const std::string& prefix,
                                      std::vector<std::string>& names) const {
  for (int j = 0; j < inputs_; ++j) {
    for (int i = 0; i < outputs_; ++i) names.push_back(fmt::format("{}.W[{},{}]", prefix, i, j));
  }
  for (int i = 0; i < outputs_; ++i) names.push_back(fmt::format("{}.b[{}]", prefix, i));
}

void DenseLayer::Initialise(Eigen::VectorXd& theta, std::mt19937_64& rng) const {
  const double bound = 1.0 / std::sqrt(static_cast<double>(inputs_));
  std::uniform_real_distribution<double> uniform(-bound, bound);
  for (int i = 0; i < ParameterCount(); ++i) theta(offset_ + i) = uniform(rng);
}

void DenseLayer::Forward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x,
                         Eigen::MatrixXd& y) const {
  const Eigen::Map<const Eigen::MatrixXd> weight(theta.data() + offset_, outputs_, inputs_);
  const Eigen::Map<const Eigen::VectorXd> bias(theta.data() + offset_ + outputs_ * inputs_,
                                               outputs_);
  // y = W x + b
  y.resize(outputs_, x.cols());
  MultiplyInto(y, weight, Factor::kAsIs, x, Factor::kAsIs, false);
  y.colwise() += bias;
}

void DenseLayer::Backward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x,
                          const Eigen::MatrixXd& dy, Eigen::MatrixXd* dx,
                          Eigen::VectorXd& grad) const {
  const Eigen::Map<const Eigen::MatrixXd> weight(theta.data() + offset_, outputs_, inputs_);
  Eigen::Map<Eigen::MatrixXd> weight_gradient(grad.data() + offset_, outputs_, inputs_);
  // dL/dW = dy xᵀ,  dL/db = Σ_columns dy,  dL/dx = Wᵀ dy
  MultiplyInto(weight_gradient, dy, Factor::kAsIs, x, Factor::kTransposed, true);
  grad.segment(offset_ + outputs_ * inputs_, outputs_) += dy.rowwise().sum();
  if (dx == nullptr) return;
  dx->resize(inputs_, dy.cols());
  MultiplyInto(*dx, weight, Factor::kTransposed, dy, Factor::kAsIs, false);
}

}  // namespace echolab
