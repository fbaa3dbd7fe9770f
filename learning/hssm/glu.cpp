#include "learning/hssm/glu.h"

namespace echolab {

GluLayer::GluLayer(int offset, int channels)
    : value_(offset, channels, channels),
      gate_(offset + channels * (channels + 1), channels, channels) {}

void GluLayer::AppendParameterNames(const std::string& prefix,
                                    std::vector<std::string>& names) const {
  value_.AppendParameterNames(prefix + ".glu1", names);
  gate_.AppendParameterNames(prefix + ".glu2", names);
}

void GluLayer::Initialise(Eigen::VectorXd& theta, std::mt19937_64& rng) const {
  value_.Initialise(theta, rng);
  gate_.Initialise(theta, rng);
}

void GluLayer::Branches(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x, Eigen::MatrixXd& a,
                        Eigen::MatrixXd& s) const {
  value_.Forward(theta, x, a);
  gate_.Forward(theta, x, s);
  s = (1.0 + (-s.array()).exp()).inverse().matrix();
}

void GluLayer::Forward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x,
                       Eigen::MatrixXd& y) const {
  Eigen::MatrixXd a, s;
  Branches(theta, x, a, s);
  // y = a ⊙ s
  y = a.cwiseProduct(s);
}

void GluLayer::Backward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& x,
                        const Eigen::MatrixXd& dy, Eigen::MatrixXd& dx,
                        Eigen::VectorXd& grad) const {
  Eigen::MatrixXd a, s;
  Branches(theta, x, a, s);
  // dL/da = dy ⊙ s,  dL/d(W2 x + b2) = dy ⊙ a ⊙ s (1 − s)
  const Eigen::MatrixXd d_value = dy.cwiseProduct(s);
  const Eigen::MatrixXd d_gate = (dy.array() * a.array() * s.array() * (1.0 - s.array())).matrix();
  Eigen::MatrixXd dx_gate;
  value_.Backward(theta, x, d_value, &dx, grad);
  gate_.Backward(theta, x, d_gate, &dx_gate, grad);
  dx += dx_gate;
}

}  // namespace echolab
