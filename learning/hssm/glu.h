#pragma once

#include "learning/hssm/dense_layer.h"

namespace echolab {

/// The gated linear unit of a block: y = (W1 x + b1) ⊙ σ(W2 x + b2), channels → channels.
/// Parameters: the dense layers "prefix.glu1" then "prefix.glu2".
class GluLayer {
 public:
  GluLayer(int offset, int channels);

  int ParameterCount() const { return value_.ParameterCount() + gate_.ParameterCount(); }
  void AppendParameterNames(const std::string& prefix, std::vector<std::string>& names) const;
  void Initialise(Eigen::VectorXd& theta, std::mt19937_64& rng) const;

  void Forward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x, Eigen::MatrixXd& y) const;
  void Backward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy,
                Eigen::MatrixXd& dx, Eigen::VectorXd& grad) const;

 private:
  // a = W1 x + b1, s = σ(W2 x + b2)
  void Branches(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x, Eigen::MatrixXd& a,
                Eigen::MatrixXd& s) const;

  DenseLayer value_;
  DenseLayer gate_;
};

}  // namespace echolab
