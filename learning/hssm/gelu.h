#pragma once

#include <Eigen/Dense>

namespace echolab {

/// GELU, the exact form: y = x Φ(x), Φ the standard normal distribution function.
void Gelu(const Eigen::MatrixXd& x, Eigen::MatrixXd& y);

/// dx = dy ⊙ (Φ(x) + x φ(x)).
void GeluBackward(const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy, Eigen::MatrixXd& dx);

}  // namespace echolab
