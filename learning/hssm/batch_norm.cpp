#include "learning/hssm/batch_norm.h"

namespace echolab {
namespace {

// 1 / sqrt(σ² + ε) of each channel
Eigen::ArrayXd InverseDeviation(const ChannelStatistics& statistics) {
  return (statistics.variance.array() + kBatchNormEpsilon).rsqrt();
}

}  // namespace

Eigen::VectorXd ColumnSum(const Eigen::MatrixXd& x) { return x.rowwise().sum(); }

Eigen::VectorXd SquaredDeviationSum(const Eigen::MatrixXd& x, const Eigen::VectorXd& mean) {
  return (x.colwise() - mean).array().square().rowwise().sum().matrix();
}

Eigen::MatrixXd Standardise(const Eigen::MatrixXd& x, const ChannelStatistics& statistics) {
  Eigen::MatrixXd standardised = x.colwise() - statistics.mean;
  standardised.array().colwise() *= InverseDeviation(statistics);
  return standardised;
}

void BatchNormForward(const Eigen::MatrixXd& x, const ChannelStatistics& statistics,
                      const Eigen::VectorXd& scale, const Eigen::VectorXd& shift,
                      Eigen::MatrixXd& y) {
  y = Standardise(x, statistics);
  y.array().colwise() *= scale.array();
  y.colwise() += shift;
}

BatchNormCotangentSums CotangentSums(const Eigen::MatrixXd& x, const ChannelStatistics& statistics,
                                     const Eigen::MatrixXd& dy) {
  return {.dy = dy.rowwise().sum(),
          .dy_standardised = dy.cwiseProduct(Standardise(x, statistics)).rowwise().sum()};
}

void BatchNormBackward(const Eigen::MatrixXd& x, const ChannelStatistics& statistics,
                       const Eigen::VectorXd& scale, const Eigen::MatrixXd& dy,
                       const BatchNormCotangentSums* sums, double columns, Eigen::MatrixXd& dx) {
  dx = dy;
  if (sums != nullptr) {
    // dy − Σ dy / M − x̂ ⊙ Σ (dy ⊙ x̂) / M
    dx.colwise() -= sums->dy / columns;
    dx -= (Standardise(x, statistics).array().colwise() * (sums->dy_standardised / columns).array())
              .matrix();
  }
  dx.array().colwise() *= scale.array() * InverseDeviation(statistics);
}

ChannelStatistics UpdateRunningStatistics(const ChannelStatistics& running,
                                          const ChannelStatistics& batch, double momentum) {
  return {.mean = momentum * running.mean + (1.0 - momentum) * batch.mean,
          .variance = momentum * running.variance + (1.0 - momentum) * batch.variance};
}

}  // namespace echolab
