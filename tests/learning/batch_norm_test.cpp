// Batch normalisation of the HSSM's blocks, alone: its backward pass (with batch statistics
// and with running ones) against central finite differences of L = <R, y(x)> for a fixed
// random R, the whole batch held in two shards whose sums are added; the statistics against
// their definition; the running update.

#include "learning/hssm/batch_norm.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iostream>
#include <random>

namespace echolab {
namespace {

constexpr double kFdStep = 1e-6;

Eigen::MatrixXd Random(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  return Eigen::MatrixXd::NullaryExpr(rows, cols, [&] { return normal(rng); });
}

// The batch (H × M) held as two shards: columns [0, split) and [split, M).
struct TwoShards {
  Eigen::MatrixXd first, second;
  TwoShards(const Eigen::MatrixXd& x, Eigen::Index split)
      : first(x.leftCols(split)), second(x.rightCols(x.cols() - split)) {}
};

// The batch statistics from the shards' sums.
ChannelStatistics BatchStatistics(const TwoShards& x) {
  const double columns = static_cast<double>(x.first.cols() + x.second.cols());
  ChannelStatistics s;
  s.mean = (ColumnSum(x.first) + ColumnSum(x.second)) / columns;
  s.variance =
      (SquaredDeviationSum(x.first, s.mean) + SquaredDeviationSum(x.second, s.mean)) / columns;
  return s;
}

// y of the whole batch, normalised with its own statistics, as one matrix.
Eigen::MatrixXd Normalised(const Eigen::MatrixXd& x, Eigen::Index split,
                           const Eigen::VectorXd& scale, const Eigen::VectorXd& shift) {
  const TwoShards shards(x, split);
  const ChannelStatistics statistics = BatchStatistics(shards);
  Eigen::MatrixXd y(x.rows(), x.cols()), part;
  BatchNormForward(shards.first, statistics, scale, shift, part);
  y.leftCols(split) = part;
  BatchNormForward(shards.second, statistics, scale, shift, part);
  y.rightCols(x.cols() - split) = part;
  return y;
}

double RelativeError(const Eigen::MatrixXd& estimate, const Eigen::MatrixXd& truth) {
  return (estimate - truth).norm() / truth.norm();
}

TEST(BatchNorm, StatisticsAreTheBatchMeanAndBiasedVariance) {
  std::mt19937_64 rng(3);
  const Eigen::MatrixXd x = (Random(3, 11, rng).array() * 2.0 + 0.5).matrix();
  const ChannelStatistics s = BatchStatistics(TwoShards(x, 4));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double mean = 0.0, variance = 0.0;
    for (Eigen::Index c = 0; c < x.cols(); ++c) mean += x(i, c) / 11.0;
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      variance += (x(i, c) - mean) * (x(i, c) - mean) / 11.0;
    EXPECT_NEAR(s.mean(i), mean, 1e-14);
    EXPECT_NEAR(s.variance(i), variance, 1e-13);
  }
  // Standardised with its own statistics, each channel has mean 0 and variance 1 − ε/(σ²+ε).
  const Eigen::MatrixXd standardised = Standardise(x, s);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    EXPECT_NEAR(standardised.row(i).mean(), 0.0, 1e-14);
    EXPECT_NEAR(standardised.row(i).squaredNorm() / 11.0,
                s.variance(i) / (s.variance(i) + kBatchNormEpsilon), 1e-12);
  }
}

TEST(BatchNorm, BatchStatisticsBackwardMatchesFiniteDifferences) {
  std::mt19937_64 rng(5);
  const Eigen::Index channels = 3, columns = 13, split = 6;
  const Eigen::MatrixXd x = Random(channels, columns, rng);
  const Eigen::VectorXd scale = Random(channels, 1, rng), shift = Random(channels, 1, rng);
  const Eigen::MatrixXd r = Random(channels, columns, rng);
  // L = <R, y>: dL/dy = R
  const TwoShards shards(x, split), dy(r, split);
  const ChannelStatistics statistics = BatchStatistics(shards);
  BatchNormCotangentSums sums = CotangentSums(shards.first, statistics, dy.first);
  const BatchNormCotangentSums second = CotangentSums(shards.second, statistics, dy.second);
  sums.dy += second.dy;
  sums.dy_standardised += second.dy_standardised;
  Eigen::MatrixXd dx(channels, columns), part;
  BatchNormBackward(shards.first, statistics, scale, dy.first, &sums, columns, part);
  dx.leftCols(split) = part;
  BatchNormBackward(shards.second, statistics, scale, dy.second, &sums, columns, part);
  dx.rightCols(columns - split) = part;

  auto loss = [&](const Eigen::MatrixXd& xx, const Eigen::VectorXd& g, const Eigen::VectorXd& b) {
    return r.cwiseProduct(Normalised(xx, split, g, b)).sum();
  };
  Eigen::MatrixXd fd_x(channels, columns);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    Eigen::MatrixXd plus = x, minus = x;
    plus(i) += kFdStep;
    minus(i) -= kFdStep;
    fd_x(i) = (loss(plus, scale, shift) - loss(minus, scale, shift)) / (2 * kFdStep);
  }
  Eigen::VectorXd fd_scale(channels), fd_shift(channels);
  for (Eigen::Index i = 0; i < channels; ++i) {
    Eigen::VectorXd plus = scale, minus = scale;
    plus(i) += kFdStep;
    minus(i) -= kFdStep;
    fd_scale(i) = (loss(x, plus, shift) - loss(x, minus, shift)) / (2 * kFdStep);
    plus = shift;
    minus = shift;
    plus(i) += kFdStep;
    minus(i) -= kFdStep;
    fd_shift(i) = (loss(x, scale, plus) - loss(x, scale, minus)) / (2 * kFdStep);
  }
  const double x_error = RelativeError(dx, fd_x);
  const double scale_error = RelativeError(sums.dy_standardised, fd_scale);
  const double shift_error = RelativeError(sums.dy, fd_shift);
  std::cout << fmt::format(
      "batch norm (batch statistics) vs central FD: x {:.2e}, scale {:.2e}, "
      "shift {:.2e}\n",
      x_error, scale_error, shift_error);
  EXPECT_LT(x_error, 1e-7);
  EXPECT_LT(scale_error, 1e-7);
  EXPECT_LT(shift_error, 1e-7);
}

TEST(BatchNorm, RunningStatisticsBackwardMatchesFiniteDifferences) {
  std::mt19937_64 rng(7);
  const Eigen::Index channels = 4, columns = 9;
  const Eigen::MatrixXd x = Random(channels, columns, rng);
  const Eigen::VectorXd scale = Random(channels, 1, rng), shift = Random(channels, 1, rng);
  const ChannelStatistics running{.mean = Random(channels, 1, rng),
                                  .variance = Random(channels, 1, rng).array().square() + 0.5};
  const Eigen::MatrixXd r = Random(channels, columns, rng);
  Eigen::MatrixXd dx, y;
  BatchNormBackward(x, running, scale, r, nullptr, columns, dx);
  Eigen::MatrixXd fd(channels, columns);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    Eigen::MatrixXd plus = x, minus = x;
    plus(i) += kFdStep;
    minus(i) -= kFdStep;
    BatchNormForward(plus, running, scale, shift, y);
    const double up = r.cwiseProduct(y).sum();
    BatchNormForward(minus, running, scale, shift, y);
    fd(i) = (up - r.cwiseProduct(y).sum()) / (2 * kFdStep);
  }
  const double error = RelativeError(dx, fd);
  std::cout << fmt::format("batch norm (running statistics) vs central FD: {:.2e}\n", error);
  EXPECT_LT(error, 1e-7);
}

TEST(BatchNorm, RunningStatisticsFollowTheMomentum) {
  const ChannelStatistics running{.mean = Eigen::Vector2d(0.0, 1.0),
                                  .variance = Eigen::Vector2d(1.0, 2.0)};
  const ChannelStatistics batch{.mean = Eigen::Vector2d(2.0, -1.0),
                                .variance = Eigen::Vector2d(3.0, 4.0)};
  const ChannelStatistics updated = UpdateRunningStatistics(running, batch, 0.75);
  // 0.75 · running + 0.25 · batch
  EXPECT_DOUBLE_EQ(updated.mean(0), 0.5);
  EXPECT_DOUBLE_EQ(updated.mean(1), 0.5);
  EXPECT_DOUBLE_EQ(updated.variance(0), 1.5);
  EXPECT_DOUBLE_EQ(updated.variance(1), 2.5);
}

}  // namespace
}  // namespace echolab
