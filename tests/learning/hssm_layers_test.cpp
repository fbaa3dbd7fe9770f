// The layers of the HSSM other than the HRU core, and the HRU layer under BPTT, against
// central finite differences of L = <R, layer(x)> for a fixed random R (batch normalisation
// with the batch held in two shards whose sums are added); the HRU layer under RHEL against
// BPTT; what the HRU layer keeps between its forward and backward passes.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <iostream>
#include <random>

#include "common/error.h"
#include "learning/hssm/batch_norm.h"
#include "learning/hssm/channel_norm.h"
#include "learning/hssm/dense_layer.h"
#include "learning/hssm/dropout.h"
#include "learning/hssm/gelu.h"
#include "learning/hssm/glu.h"
#include "learning/hssm/hru_layer.h"

namespace echolab {
namespace {

constexpr double kFdStep = 1e-6;

Eigen::MatrixXd Random(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  return Eigen::MatrixXd::NullaryExpr(rows, cols, [&] { return normal(rng); });
}

// dL/dv by central differences of L(v) = <R, f(v)>.
Eigen::VectorXd FiniteDifferences(const std::function<Eigen::MatrixXd(const Eigen::VectorXd&)>& f,
                                  const Eigen::VectorXd& v, const Eigen::MatrixXd& r) {
  Eigen::VectorXd g(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    Eigen::VectorXd plus = v, minus = v;
    plus(i) += kFdStep;
    minus(i) -= kFdStep;
    g(i) = (r.cwiseProduct(f(plus)).sum() - r.cwiseProduct(f(minus)).sum()) / (2 * kFdStep);
  }
  return g;
}

Eigen::VectorXd Flat(const Eigen::MatrixXd& m) {
  return Eigen::Map<const Eigen::VectorXd>(m.data(), m.size());
}

Eigen::MatrixXd Shaped(const Eigen::VectorXd& v, Eigen::Index rows) {
  return Eigen::Map<const Eigen::MatrixXd>(v.data(), rows, v.size() / rows);
}

void ExpectClose(const Eigen::VectorXd& estimate, const Eigen::VectorXd& truth,
                 const std::string& what, double tolerance = 1e-7) {
  const double error = (estimate - truth).norm() / truth.norm();
  std::cout << fmt::format("{} vs central FD: relative error {:.2e}\n", what, error);
  EXPECT_LT(error, tolerance) << what;
}

TEST(HssmLayers, DenseLayerMatchesFiniteDifferences) {
  std::mt19937_64 rng(1);
  const DenseLayer layer(2, 3, 4);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(2 + layer.ParameterCount());
  layer.Initialise(theta, rng);
  const Eigen::MatrixXd x = Random(3, 5, rng), r = Random(4, 5, rng);
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(theta.size());
  Eigen::MatrixXd dx;
  layer.Backward(theta, x, r, &dx, grad);
  auto with_theta = [&](const Eigen::VectorXd& t) {
    Eigen::MatrixXd y;
    layer.Forward(t, x, y);
    return y;
  };
  auto with_x = [&](const Eigen::VectorXd& v) {
    Eigen::MatrixXd y;
    layer.Forward(theta, Shaped(v, 3), y);
    return y;
  };
  ExpectClose(grad, FiniteDifferences(with_theta, theta, r), "dense dL/dtheta");
  ExpectClose(Flat(dx), FiniteDifferences(with_x, Flat(x), r), "dense dL/dx");
}

TEST(HssmLayers, ChannelNormMatchesFiniteDifferences) {
  std::mt19937_64 rng(2);
  const Eigen::MatrixXd x = Random(4, 6, rng), r = Random(4, 6, rng);
  Eigen::MatrixXd dx;
  NormaliseChannelsBackward(x, r, dx);
  auto f = [&](const Eigen::VectorXd& v) {
    Eigen::MatrixXd y;
    NormaliseChannels(Shaped(v, 4), y);
    return y;
  };
  ExpectClose(Flat(dx), FiniteDifferences(f, Flat(x), r), "channel norm dL/dx");
  Eigen::MatrixXd y;
  NormaliseChannels(x, y);
  EXPECT_LT(y.colwise().mean().norm(), 1e-12);
  // mean(y²) = var / (var + ε) per column
  const double variance = (x.col(0).array() - x.col(0).mean()).square().mean();
  EXPECT_NEAR(y.col(0).squaredNorm() / 4.0, variance / (variance + kChannelNormEpsilon), 1e-12);
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

// y of the whole batch, shard by shard, normalised with the batch's statistics.
Eigen::MatrixXd BatchNormalised(const Eigen::MatrixXd& x, Eigen::Index split,
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

TEST(HssmLayers, BatchStatisticsAreTheBatchMeanAndBiasedVariance) {
  std::mt19937_64 rng(3);
  const Eigen::MatrixXd x = (Random(3, 11, rng).array() * 2.0 + 0.5).matrix();
  const ChannelStatistics s = BatchStatistics(TwoShards(x, 4));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    double mean = 0.0, variance = 0.0;
    for (Eigen::Index c = 0; c < x.cols(); ++c) mean += x(i, c) / 11.0;
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      variance += (x(i, c) - mean) * (x(i, c) - mean) / 11.0;
    }
    EXPECT_NEAR(s.mean(i), mean, 1e-14);
    EXPECT_NEAR(s.variance(i), variance, 1e-13);
  }
  // Standardised with its own statistics, a channel has mean 0 and mean square σ²/(σ² + ε).
  const Eigen::MatrixXd standardised = Standardise(x, s);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    EXPECT_NEAR(standardised.row(i).mean(), 0.0, 1e-14);
    EXPECT_NEAR(standardised.row(i).squaredNorm() / 11.0,
                s.variance(i) / (s.variance(i) + kBatchNormEpsilon), 1e-12);
  }
}

TEST(HssmLayers, BatchNormWithBatchStatisticsMatchesFiniteDifferences) {
  std::mt19937_64 rng(5);
  const Eigen::Index channels = 3, columns = 13, split = 6;
  const Eigen::MatrixXd x = Random(channels, columns, rng), r = Random(channels, columns, rng);
  const Eigen::VectorXd scale = Random(channels, 1, rng), shift = Random(channels, 1, rng);
  // dL/dy = R, shard by shard; the cotangent sums added over the shards
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
  auto with_x = [&](const Eigen::VectorXd& v) {
    return BatchNormalised(Shaped(v, channels), split, scale, shift);
  };
  auto with_scale = [&](const Eigen::VectorXd& g) { return BatchNormalised(x, split, g, shift); };
  auto with_shift = [&](const Eigen::VectorXd& b) { return BatchNormalised(x, split, scale, b); };
  ExpectClose(Flat(dx), FiniteDifferences(with_x, Flat(x), r), "batch norm dL/dx");
  ExpectClose(sums.dy_standardised, FiniteDifferences(with_scale, scale, r),
              "batch norm dL/dscale");
  ExpectClose(sums.dy, FiniteDifferences(with_shift, shift, r), "batch norm dL/dshift");
}

TEST(HssmLayers, BatchNormWithRunningStatisticsMatchesFiniteDifferences) {
  std::mt19937_64 rng(7);
  const Eigen::MatrixXd x = Random(4, 9, rng), r = Random(4, 9, rng);
  const Eigen::VectorXd scale = Random(4, 1, rng), shift = Random(4, 1, rng);
  const ChannelStatistics running{.mean = Random(4, 1, rng),
                                  .variance = Random(4, 1, rng).array().square() + 0.5};
  Eigen::MatrixXd dx;
  BatchNormBackward(x, running, scale, r, nullptr, 9.0, dx);
  auto f = [&](const Eigen::VectorXd& v) {
    Eigen::MatrixXd y;
    BatchNormForward(Shaped(v, 4), running, scale, shift, y);
    return y;
  };
  ExpectClose(Flat(dx), FiniteDifferences(f, Flat(x), r), "batch norm (running) dL/dx");
}

TEST(HssmLayers, BatchNormRunningStatisticsFollowTheMomentum) {
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

// Dropout masks: the same whether the steps come whole or in chunks, and whoever runs the
// sequence (its index in the batch decides); about a fraction p dropped, the rest scaled by
// 1 / (1 − p); other blocks, sites and seeds draw other masks.
TEST(HssmLayers, DropoutMasksDependOnTheSequenceAndStepAlone) {
  const Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(16, 2 * 300);  // 2 sequences, 300 steps
  const DropoutSite site{.seed = 7, .block = 1, .site = 0, .rate = 0.25};
  Eigen::MatrixXd whole = ones;
  ApplyDropout(site, {4, 9}, 0, whole);
  Eigen::MatrixXd chunked = ones;
  for (int first : {0, 100, 170}) {
    const int count = first == 170 ? 130 : (first == 0 ? 100 : 70);
    Eigen::MatrixXd part = chunked.middleCols(2 * first, 2 * count);
    ApplyDropout(site, {4, 9}, first, part);
    chunked.middleCols(2 * first, 2 * count) = part;
  }
  EXPECT_EQ(chunked, whole);
  // Sequence 9 alone (a shard of one) gets the mask it got beside sequence 4.
  Eigen::MatrixXd alone = Eigen::MatrixXd::Ones(16, 300);
  ApplyDropout(site, {9}, 0, alone);
  for (int k = 0; k < 300; ++k) EXPECT_EQ(alone.col(k), whole.col(2 * k + 1)) << k;
  const double dropped = static_cast<double>((whole.array() == 0.0).count()) / static_cast<double>(whole.size());
  EXPECT_NEAR(dropped, 0.25, 0.02);
  EXPECT_TRUE(((whole.array() == 0.0) || (whole.array() == 1.0 / 0.75)).all());
  for (DropoutSite other : {DropoutSite{8, 1, 0, 0.25}, DropoutSite{7, 2, 0, 0.25},
                            DropoutSite{7, 1, 1, 0.25}}) {
    Eigen::MatrixXd x = ones;
    ApplyDropout(other, {4, 9}, 0, x);
    EXPECT_NE(x, whole);
  }
}

TEST(HssmLayers, GeluMatchesFiniteDifferencesAndItsDefinition) {
  std::mt19937_64 rng(3);
  const Eigen::MatrixXd x = Random(3, 4, rng), r = Random(3, 4, rng);
  Eigen::MatrixXd dx;
  GeluBackward(x, r, dx);
  auto f = [&](const Eigen::VectorXd& v) {
    Eigen::MatrixXd y;
    Gelu(Shaped(v, 3), y);
    return y;
  };
  ExpectClose(Flat(dx), FiniteDifferences(f, Flat(x), r), "GELU dL/dx");
  // GELU(1) = Φ(1) = 0.8413447460685429 (tables of the normal distribution)
  Eigen::MatrixXd y;
  Gelu(Eigen::MatrixXd::Ones(1, 1), y);
  EXPECT_NEAR(y(0, 0), 0.8413447460685429, 1e-15);
}

TEST(HssmLayers, GluMatchesFiniteDifferences) {
  std::mt19937_64 rng(4);
  const GluLayer layer(1, 3);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(1 + layer.ParameterCount());
  layer.Initialise(theta, rng);
  const Eigen::MatrixXd x = Random(3, 5, rng), r = Random(3, 5, rng);
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(theta.size());
  Eigen::MatrixXd dx;
  layer.Backward(theta, x, r, dx, grad);
  auto with_theta = [&](const Eigen::VectorXd& t) {
    Eigen::MatrixXd y;
    layer.Forward(t, x, y);
    return y;
  };
  auto with_x = [&](const Eigen::VectorXd& v) {
    Eigen::MatrixXd y;
    layer.Forward(theta, Shaped(v, 3), y);
    return y;
  };
  ExpectClose(grad, FiniteDifferences(with_theta, theta, r), "GLU dL/dtheta");
  ExpectClose(Flat(dx), FiniteDifferences(with_x, Flat(x), r), "GLU dL/dx");
}

struct HruLayerCase {
  static constexpr int kHidden = 3, kState = 4, kBatch = 2, kSteps = 10;
  explicit HruLayerCase(HruKind kind, int chunk_columns = kHruChunkColumns)
      : layer(0, kHidden, kState, kind, 0.3, chunk_columns) {
    std::mt19937_64 rng(5);
    theta = Eigen::VectorXd::Zero(layer.ParameterCount());
    layer.Initialise(theta, rng);
    u = Random(kHidden, kSteps * kBatch, rng);
    r = Random(kHidden, kSteps * kBatch, rng);
  }
  Eigen::MatrixXd Output(const Eigen::VectorXd& t, const Eigen::MatrixXd& input) const {
    HruLayer::Memory memory;
    return layer.Forward(t, input, kBatch, SequenceGradientRule::kRhel, memory);
  }
  // grad and dL/du for L = <r, y> under a rule.
  std::pair<Eigen::VectorXd, Eigen::MatrixXd> Gradient(SequenceGradientRule rule,
                                                       double beta) const {
    HruLayer::Memory memory;
    layer.Forward(theta, u, kBatch, rule, memory);
    Eigen::VectorXd grad = Eigen::VectorXd::Zero(theta.size());
    SequenceEvaluationOptions options;
    options.rule = rule;
    options.beta = beta;
    const Eigen::MatrixXd du = layer.Backward(theta, u, kBatch, memory, r, options, grad);
    return {grad, du};
  }
  HruLayer layer;
  Eigen::VectorXd theta;
  Eigen::MatrixXd u, r;
};

TEST(HssmLayers, HruLayerBpttMatchesFiniteDifferences) {
  for (HruKind kind : {HruKind::kLinear, HruKind::kLogCosh}) {
    const HruLayerCase c(kind);
    const auto [grad, du] = c.Gradient(SequenceGradientRule::kBptt, 0.0);
    auto with_theta = [&](const Eigen::VectorXd& t) { return c.Output(t, c.u); };
    auto with_u = [&](const Eigen::VectorXd& v) {
      return c.Output(c.theta, Shaped(v, HruLayerCase::kHidden));
    };
    const std::string name = kind == HruKind::kLinear ? "linear" : "logcosh";
    ExpectClose(grad, FiniteDifferences(with_theta, c.theta, c.r), name + " HRU layer dL/dtheta");
    ExpectClose(Flat(du), FiniteDifferences(with_u, Flat(c.u), c.r), name + " HRU layer dL/du");
  }
}

TEST(HssmLayers, LinearHruLayerRhelEqualsBptt) {
  const HruLayerCase c(HruKind::kLinear);
  const auto [bptt_grad, bptt_du] = c.Gradient(SequenceGradientRule::kBptt, 0.0);
  for (double beta : {1e-4, 1e-1, 10.0}) {
    const auto [grad, du] = c.Gradient(SequenceGradientRule::kRhel, beta);
    const double grad_error = (grad - bptt_grad).norm() / bptt_grad.norm();
    const double du_error = (du - bptt_du).norm() / bptt_du.norm();
    std::cout << fmt::format("linear HRU layer, beta {:g}: dtheta {:.2e}, du {:.2e}\n", beta,
                             grad_error, du_error);
    EXPECT_LT(grad_error, 1e-9);
    EXPECT_LT(du_error, 1e-9);
  }
}

// Chunks of 3 steps (10 = 3 + 3 + 3 + 1): the same gradients as one chunk, under both rules.
TEST(HssmLayers, HruLayerChunksDoNotChangeTheGradient) {
  for (HruKind kind : {HruKind::kLinear, HruKind::kLogCosh}) {
    const HruLayerCase whole(kind);
    const HruLayerCase chunked(kind, 3 * HruLayerCase::kBatch);
    for (SequenceGradientRule rule : {SequenceGradientRule::kRhel, SequenceGradientRule::kBptt}) {
      const auto [grad, du] = whole.Gradient(rule, 0.1);
      const auto [chunked_grad, chunked_du] = chunked.Gradient(rule, 0.1);
      EXPECT_LT((chunked_grad - grad).norm(), 1e-13 * grad.norm());
      EXPECT_LT((chunked_du - du).norm(), 1e-13 * du.norm());
    }
  }
  const HruLayerCase chunked(HruKind::kLinear, 3 * HruLayerCase::kBatch);
  const auto [bptt_grad, bptt_du] = chunked.Gradient(SequenceGradientRule::kBptt, 0.0);
  const auto [rhel_grad, rhel_du] = chunked.Gradient(SequenceGradientRule::kRhel, 0.1);
  EXPECT_LT((rhel_grad - bptt_grad).norm(), 1e-9 * bptt_grad.norm());
  EXPECT_LT((rhel_du - bptt_du).norm(), 1e-9 * bptt_du.norm());
}

TEST(HssmLayers, RhelKeepsOnlyTheFinalStateAndBpttTheTrajectory) {
  const HruLayerCase c(HruKind::kLogCosh);
  HruLayer::Memory rhel, bptt;
  c.layer.Forward(c.theta, c.u, HruLayerCase::kBatch, SequenceGradientRule::kRhel, rhel);
  c.layer.Forward(c.theta, c.u, HruLayerCase::kBatch, SequenceGradientRule::kBptt, bptt);
  EXPECT_EQ(rhel.trajectory.q.size() + rhel.trajectory.p.size(), 0);
  EXPECT_EQ(rhel.final_state.q.rows(), HruLayerCase::kState);
  EXPECT_EQ(rhel.final_state.q.cols(), HruLayerCase::kBatch);
  EXPECT_EQ(rhel.final_state.p.size(), HruLayerCase::kState * HruLayerCase::kBatch);
  EXPECT_EQ(bptt.trajectory.q.cols(), (HruLayerCase::kSteps + 1) * HruLayerCase::kBatch);
}

TEST(HssmLayers, HruLayerRejectsInputsOfTheWrongShape) {
  const HruLayerCase c(HruKind::kLinear);
  HruLayer::Memory memory;
  EXPECT_THROW(c.layer.Forward(c.theta, c.u.topRows(2), HruLayerCase::kBatch,
                               SequenceGradientRule::kRhel, memory),
               InputError);
  c.layer.Forward(c.theta, c.u, HruLayerCase::kBatch, SequenceGradientRule::kRhel, memory);
  Eigen::VectorXd grad = Eigen::VectorXd::Zero(c.theta.size());
  EXPECT_THROW(
      c.layer.Backward(c.theta, c.u, HruLayerCase::kBatch, memory, c.r.leftCols(4), {}, grad),
      InputError);
}

}  // namespace
}  // namespace echolab
