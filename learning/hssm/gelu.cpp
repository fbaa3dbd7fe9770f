#include "learning/hssm/gelu.h"

#include <cmath>
#include <numbers>

namespace echolab {
namespace {

// Φ(x) = ½ (1 + erf(x / √2))
double NormalCdf(double x) { return 0.5 * (1.0 + std::erf(x / std::numbers::sqrt2)); }

// φ(x) = exp(−x²/2) / √(2π)
double NormalDensity(double x) {
  return std::exp(-0.5 * x * x) * 0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2;
}

}  // namespace

void Gelu(const Eigen::MatrixXd& x, Eigen::MatrixXd& y) {
  y = x.unaryExpr([](double v) { return v * NormalCdf(v); });
}

void GeluBackward(const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy, Eigen::MatrixXd& dx) {
  dx = dy.cwiseProduct(x.unaryExpr([](double v) { return NormalCdf(v) + v * NormalDensity(v); }));
}

}  // namespace echolab
