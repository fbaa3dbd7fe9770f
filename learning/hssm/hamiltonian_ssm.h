#pragma once

#include <functional>
#include <vector>

#include "learning/hssm/batch_norm.h"
#include "learning/hssm/dense_layer.h"
#include "learning/hssm/glu.h"
#include "learning/hssm/hamiltonian_ssm_config.h"
#include "learning/hssm/hru_layer.h"
#include "learning/training/sequence_model.h"

namespace echolab {

/// The sequences of one shard: a group of sequences of equal length runs as shards of this
/// many consecutive sequences, one thread each.
constexpr size_t kShardSequences = 2;

/// The Hamiltonian state-space model (HSSM) of the RHEL paper, after LinOSS:
///   encoder: Linear(input channels → H);
///   `layers` blocks: x ← x + GLU(GELU(HRU(norm(x)))) with a per-step channel normalisation
///   or batch normalisation (config.batch_norm), and dropout after the GELU and after the
///   GLU in training steps (config.dropout);
///   decoder: classification: mean over time → Linear → softmax cross-entropy;
///            regression: every output_step-th step → Linear → tanh, mean squared error.
/// The gradient of the HRU cores comes from discrete RHEL (two echoes per layer, chained
/// from the top block down) or from BPTT; every other layer is backpropagated exactly.
/// Streamed pass: an RHEL gradient or an evaluation whose normalisation does not couple the
/// shards (no batch statistics) runs each shard in chunks of steps, the forward pass from the
/// first chunk keeping only every HRU's state, the backward pass from the last chunk,
/// recomputing each chunk's activations by retracing the HRUs backwards (RetreatHru); its
/// memory does not grow with the sequence length. BPTT, and training steps under batch
/// normalisation, keep every block's activations instead (docs/hssm.md).
/// Parameter names: "encoder.W[i,j]", "block0.hru.B[i,j]", "block2.hru.A[7]",
/// "block1.glu2.b[3]", "decoder.W[i,j]", … (docs/hssm.md).
/// Evaluate splits each group of equal-length sequences into shards of kShardSequences
/// consecutive sequences, runs them on config.threads threads and adds their sums in shard
/// order, so that its results are the same bit for bit whatever the thread count. Batch
/// normalisation couples the shards: the pass then runs in phases over all shards (block by
/// block), and the shards' sums of the batch statistics and of the normalisation's backward
/// pass are added in shard order between phases.
/// Under batch normalisation the model's state (State) is the running mean and variance of
/// every block's normalisation, [mean (H), variance (H)] per block; a training step returns
/// them updated (SequenceEvaluation::state), and evaluations normalise with them.
class HamiltonianSsm final : public SequenceModel {
 public:
  /// Validates the configuration and initialises the parameters from config.seed. The
  /// streamed pass and the HRU layers work in chunks of about `chunk_columns` columns
  /// (steps × sequences of a shard).
  explicit HamiltonianSsm(const HamiltonianSsmConfig& config,
                          int chunk_columns = kHruChunkColumns);

  const HamiltonianSsmConfig& config() const { return config_; }
  const Eigen::VectorXd& Parameters() const override { return theta_; }
  void SetParameters(const Eigen::VectorXd& theta) override;
  std::vector<std::string> ParameterNames() const override;
  /// The HRU units' own parameters (A and step, or W, b, c and alpha) of every block.
  std::vector<int> RecurrentParameterIndices() const override;
  Eigen::VectorXd State() const override;
  void SetState(const Eigen::VectorXd& state) override;
  SequenceEvaluation Evaluate(const std::vector<const SequenceExample*>& batch,
                              const SequenceEvaluationOptions& options) const override;

  /// Regression: the number of predicted steps for a sequence of `length` steps.
  int OutputSteps(int length) const { return length / config_.output_step; }

 private:
  struct Block {
    // Batch normalisation: the offset of its scale (H entries) and shift (H entries) in θ.
    Eigen::Index norm_offset = 0;
    HruLayer hru;
    GluLayer glu;
  };
  // Sums over the sequences of one shard (sequences of equal length).
  struct GroupResult {
    double loss = 0.0;
    double metric = 0.0;
  };
  struct Pass;
  struct Shard;
  // A phase of the pass: `task` on every shard, then `reduce` (may be empty) on the caller.
  struct Phase {
    std::function<void(int shard)> task;
    std::function<void()> reduce;
  };

  struct ShardStream;
  struct ChunkActivations;

  void CheckExample(const SequenceExample& example, size_t index) const;
  // Whether a pass runs streamed: RHEL gradients and evaluations without batch statistics.
  static bool Streams(const Pass& pass);
  void StreamShard(const Pass& pass, Shard& shard) const;
  // The streamed forward pass of one chunk: the top activations of its steps.
  void StreamForwardChunk(const Pass& pass, const Shard& shard, int first, int count,
                          ShardStream& stream, Eigen::MatrixXd& top) const;
  // The chunk's activations recomputed backwards, then its backward pass, top block first.
  void StreamBackwardChunk(const Pass& pass, Shard& shard, int first, int count,
                           ShardStream& stream) const;
  // dropout(GELU(HRU output)) for the steps first_step … of the shard's sequences.
  void DroppedGelu(int block, const Pass& pass, const std::vector<int>& indices, int first_step,
                   const Eigen::MatrixXd& hru_output, Eigen::MatrixXd& gelu_output) const;
  // GELU, dropout, GLU, dropout: the block's residual branch after its HRU layer, for the
  // steps first_step … of the shard's sequences; gelu_output is the dropped GELU output.
  void BranchAfterHru(int block, const Pass& pass, const std::vector<int>& indices,
                      int first_step, const Eigen::MatrixXd& hru_output,
                      Eigen::MatrixXd& gelu_output, Eigen::MatrixXd& gated) const;
  // Its backward pass from the HRU output and the dropped GELU output (DroppedGelu):
  // dL/d(HRU output) from dL/dx (dx), gradient += the GLU's part.
  void BranchAfterHruBackward(int block, const Pass& pass, const std::vector<int>& indices,
                              int first_step, const Eigen::MatrixXd& hru_output,
                              const Eigen::MatrixXd& gelu_output, const Eigen::MatrixXd& dx,
                              Eigen::MatrixXd& d_hru, Eigen::VectorXd& gradient) const;
  // The normalisation's backward pass without batch statistics: dx += its part;
  // gradient += dL/d(scale, shift) under batch normalisation.
  void NormaliseBackward(int block, const Pass& pass, const Eigen::MatrixXd& x,
                         const Eigen::MatrixXd& d_normalised, Eigen::MatrixXd& dx,
                         Eigen::VectorXd& gradient) const;
  void AddBatchStatisticsPhases(int block, Pass& pass, std::vector<Phase>& phases) const;
  void AddBackwardPhases(int block, Pass& pass, std::vector<Phase>& phases) const;
  void ForwardBlock(int block, const Pass& pass, Shard& shard) const;
  void BackwardBlock(int block, const Pass& pass, Shard& shard) const;
  void FinishBatchNormBackward(int block, const Pass& pass, Shard& shard) const;
  void Normalise(int block, const Pass& pass, const Eigen::MatrixXd& x, Eigen::MatrixXd& y) const;
  std::vector<Phase> PassPhases(Pass& pass) const;
  void RunPhases(int shards, const std::vector<Phase>& phases) const;
  // The decoder and the loss: sums over the group, and dL/dx of the top activations.
  GroupResult Decode(const std::vector<const SequenceExample*>& group, const Eigen::MatrixXd& x,
                     Eigen::MatrixXd* dx, Eigen::VectorXd* gradient) const;
  // Classification from the time-averaged top activations (H × batch): the loss and dL/dpooled.
  GroupResult Classify(const std::vector<const SequenceExample*>& group,
                       const Eigen::MatrixXd& pooled, Eigen::MatrixXd* d_pooled,
                       Eigen::VectorXd* gradient) const;
  // Regression on the predicted steps among first_step … of x (top activations of those
  // steps): their part of the loss and of dL/dx (zero at the other steps).
  GroupResult Regress(const std::vector<const SequenceExample*>& group, const Eigen::MatrixXd& x,
                      int first_step, Eigen::MatrixXd* dx, Eigen::VectorXd* gradient) const;

  HamiltonianSsmConfig config_;
  int chunk_columns_;
  DenseLayer encoder_;
  std::vector<Block> blocks_;
  DenseLayer decoder_;
  Eigen::VectorXd theta_;
  // Batch normalisation: the running statistics of every block.
  std::vector<ChannelStatistics> running_;
};

}  // namespace echolab
