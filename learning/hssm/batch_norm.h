#pragma once

#include <Eigen/Dense>

namespace echolab {

/// Batch normalisation of the H channels (rows) of an H × K · B block input, with a learnable
/// scale γ and shift b per channel:
///   y = γ ⊙ x̂ + b,   x̂ = (x − μ) / sqrt(σ² + ε),
/// where μ and σ² (the biased variance) are, in a training step, the statistics of each
/// channel over every column of the mini-batch (all its sequences and steps, M columns in
/// all) and, in an evaluation, the running averages. The batch is held in shards (some
/// sequences each): every function below works on one shard, and the caller adds the
/// shards' sums in shard order, so the statistics and gradients do not depend on how the
/// shards are spread over threads.
constexpr double kBatchNormEpsilon = 1e-5;

/// Per-channel statistics used to normalise: the batch's in training, the running ones in
/// evaluation.
struct ChannelStatistics {
  Eigen::VectorXd mean;
  Eigen::VectorXd variance;
};

/// Σ over the shard's columns of x (first pass of the batch mean).
Eigen::VectorXd ColumnSum(const Eigen::MatrixXd& x);

/// Σ over the shard's columns of (x − μ)² (second pass: the batch variance is its batch sum
/// divided by M).
Eigen::VectorXd SquaredDeviationSum(const Eigen::MatrixXd& x, const Eigen::VectorXd& mean);

/// x̂ = (x − μ) / sqrt(σ² + ε).
Eigen::MatrixXd Standardise(const Eigen::MatrixXd& x, const ChannelStatistics& statistics);

/// y = γ ⊙ x̂ + b.
void BatchNormForward(const Eigen::MatrixXd& x, const ChannelStatistics& statistics,
                      const Eigen::VectorXd& scale, const Eigen::VectorXd& shift,
                      Eigen::MatrixXd& y);

/// The batch sums of the backward pass, which are also the gradients of the affine map:
///   dL/db = Σ dy,   dL/dγ = Σ dy ⊙ x̂   (over the M columns of the batch).
struct BatchNormCotangentSums {
  Eigen::VectorXd dy;
  Eigen::VectorXd dy_standardised;
};

/// The shard's part of BatchNormCotangentSums.
BatchNormCotangentSums CotangentSums(const Eigen::MatrixXd& x, const ChannelStatistics& statistics,
                                     const Eigen::MatrixXd& dy);

/// dL/dx of one shard. With batch statistics (sums = the batch's, over M columns):
///   dx = γ / sqrt(σ² + ε) ⊙ (dy − Σ dy / M − x̂ ⊙ Σ (dy ⊙ x̂) / M);
/// with running statistics (sums = nullptr) μ and σ² are constants:
///   dx = γ / sqrt(σ² + ε) ⊙ dy.
void BatchNormBackward(const Eigen::MatrixXd& x, const ChannelStatistics& statistics,
                       const Eigen::VectorXd& scale, const Eigen::MatrixXd& dy,
                       const BatchNormCotangentSums* sums, double columns, Eigen::MatrixXd& dx);

/// The running averages after a training step (momentum m, the convention of the authors'
/// library, Equinox): running ← m · running + (1 − m) · batch, for the mean and the biased
/// variance alike.
ChannelStatistics UpdateRunningStatistics(const ChannelStatistics& running,
                                          const ChannelStatistics& batch, double momentum);

}  // namespace echolab
