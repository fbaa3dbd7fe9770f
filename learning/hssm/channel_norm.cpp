#include "learning/hssm/channel_norm.h"

#include <cmath>

namespace echolab {
namespace {

// 1 / sqrt(var(x) + ε) of each column
Eigen::RowVectorXd InverseDeviations(const Eigen::MatrixXd& x) {
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const Eigen::RowVectorXd variance = (x.rowwise() - mean).array().square().colwise().mean();
  return (variance.array() + kChannelNormEpsilon).rsqrt();
}

}  // namespace

void NormaliseChannels(const Eigen::MatrixXd& x, Eigen::MatrixXd& y) {
  const Eigen::RowVectorXd inverse_deviation = InverseDeviations(x);
  y = x.rowwise() - x.colwise().mean();
  y.array().rowwise() *= inverse_deviation.array();
}

void NormaliseChannelsBackward(const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy,
                               Eigen::MatrixXd& dx) {
  Eigen::MatrixXd y;
  NormaliseChannels(x, y);
  const Eigen::RowVectorXd mean_dy = dy.colwise().mean();
  const Eigen::RowVectorXd mean_dy_y = dy.cwiseProduct(y).colwise().mean();
  dx = dy.rowwise() - mean_dy;
  dx -= (y.array().rowwise() * mean_dy_y.array()).matrix();
  dx.array().rowwise() *= InverseDeviations(x).array();
}

}  // namespace echolab
