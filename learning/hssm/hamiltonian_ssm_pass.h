#pragma once
// The state of one evaluation of the HSSM, shared by hamiltonian_ssm.cpp and the streamed
// pass (hamiltonian_ssm_stream.cpp); not part of the model's interface.

#include <Eigen/Dense>
#include <vector>

#include "learning/hssm/batch_norm.h"
#include "learning/hssm/hamiltonian_ssm.h"

namespace echolab {

// What a block keeps for its backward pass: its input and the HRU layer's output and
// memory (the final state only, under RHEL). The normalised input and the GELU's output
// are recomputed from these two when the backward pass reaches the block, so that a
// block holds two H × K · B matrices instead of four.
struct BlockActivations {
  Eigen::MatrixXd input;
  Eigen::MatrixXd hru_output;
  HruLayer::Memory hru_memory;
};

// The state of one evaluation of a batch, shared by its phases.
struct HamiltonianSsm::Pass {
  const SequenceEvaluationOptions* options = nullptr;
  // Without a gradient nothing is kept beyond what RHEL keeps.
  SequenceGradientRule rule = SequenceGradientRule::kRhel;
  // Dropout rate of this pass: the configuration's in training steps, else 0.
  double dropout = 0.0;
  // A training step: batch normalisation uses the batch's statistics.
  bool batch_statistics = false;
  // M: the columns (steps of all sequences) of the batch.
  double columns = 0.0;
  std::vector<Shard> shards;
  // Batch normalisation, per block: the statistics that normalise, the batch sums of its
  // backward pass; per shard, the shards' parts of a sum before they are added.
  std::vector<ChannelStatistics> statistics;
  std::vector<BatchNormCotangentSums> cotangent_sums;
  std::vector<Eigen::VectorXd> partial_sums;
  std::vector<BatchNormCotangentSums> partial_cotangent_sums;
  // dL/dθ of the normalisations' scale and shift, from the batch sums.
  Eigen::VectorXd batch_norm_gradient;
};

// One shard: its sequences (of equal length) and what its pass keeps between phases.
struct HamiltonianSsm::Shard {
  std::vector<const SequenceExample*> group;
  // The sequences' positions in the whole batch (they seed the dropout masks).
  std::vector<int> indices;
  Eigen::MatrixXd inputs;  // time-major, kept for the encoder's backward pass
  Eigen::MatrixXd x;       // the residual stream
  Eigen::MatrixXd dx;      // its cotangent
  Eigen::MatrixXd d_normalised;
  std::vector<BlockActivations> activations;
  GroupResult result;
  Eigen::VectorXd gradient;
  int Batch() const { return static_cast<int>(group.size()); }
};

}  // namespace echolab
