// The HSSM's streamed pass (docs/hssm.md, "Streamed pass"): one shard in chunks of steps,
// the forward pass keeping only every block's HRU state, the backward pass recomputing each
// chunk's activations from the HRUs retraced backwards and running the echoes over it.

#include <algorithm>

#include "learning/hssm/hamiltonian_ssm.h"
#include "learning/hssm/hamiltonian_ssm_pass.h"
#include "learning/hssm/time_major.h"

namespace echolab {

// What the streamed pass of one shard carries from chunk to chunk.
struct HamiltonianSsm::ShardStream {
  std::vector<HruLayer::Stream> hru;  // every block's HRU layer
  HruLayer::ChunkBuffers buffers;     // shared by the blocks' HRU layers
  Eigen::MatrixXd pooled;             // classification: Σ_k of the top activations (H × batch)
  Eigen::MatrixXd d_step;             // classification: dL/dx of every step, (1/K) dL/dpooled
};

// One chunk's activations of every block, recomputed by the backward pass.
struct HamiltonianSsm::ChunkActivations {
  std::vector<Eigen::MatrixXd> input;       // the block's input x
  std::vector<Eigen::MatrixXd> normalised;  // norm(x), the HRU layer's input
  std::vector<Eigen::MatrixXd> hru_output;
  std::vector<Eigen::MatrixXd> gelu_output;  // dropout(GELU(HRU output))
};

bool HamiltonianSsm::Streams(const Pass& pass) {
  const bool bptt_gradient =
      pass.options->compute_gradient && pass.rule == SequenceGradientRule::kBptt;
  return !pass.batch_statistics && !bptt_gradient;
}

void HamiltonianSsm::StreamShard(const Pass& pass, Shard& shard) const {
  const int batch = shard.Batch();
  const auto steps = static_cast<int>(shard.group.front()->inputs.rows());
  const int chunk = std::max(1, chunk_columns_ / batch);
  const bool classification = config_.task == SequenceTaskKind::kClassification;
  ShardStream stream;
  for (const Block& block : blocks_) stream.hru.push_back(block.hru.StartStream(theta_, batch));
  stream.pooled = Eigen::MatrixXd::Zero(config_.hidden, batch);
  Eigen::MatrixXd top;
  for (int first = 0; first < steps; first += chunk) {
    const int count = std::min(chunk, steps - first);
    StreamForwardChunk(pass, shard, first, count, stream, top);
    if (classification) {
      // pooled_b = (1/K) Σ_k x_(k, b)
      for (int k = 0; k < count; ++k) stream.pooled += StepColumns(top, k, batch);
    } else {
      const GroupResult part = Regress(shard.group, top, first, nullptr, nullptr);
      shard.result.loss += part.loss;
      shard.result.metric += part.metric;
    }
  }
  const bool gradient = pass.options->compute_gradient;
  if (classification) {
    stream.pooled /= static_cast<double>(steps);
    shard.result = Classify(shard.group, stream.pooled, gradient ? &stream.d_step : nullptr,
                            gradient ? &shard.gradient : nullptr);
    if (gradient) stream.d_step /= static_cast<double>(steps);
  }
  if (!gradient) return;
  for (size_t l = 0; l < blocks_.size(); ++l) {
    blocks_[l].hru.StartEcho(stream.hru[l], pass.options->beta);
  }
  for (int first = (steps - 1) / chunk * chunk; first >= 0; first -= chunk) {
    StreamBackwardChunk(pass, shard, first, std::min(chunk, steps - first), stream);
  }
  for (size_t l = 0; l < blocks_.size(); ++l) {
    blocks_[l].hru.FinishEcho(stream.hru[l], shard.gradient);
  }
}

void HamiltonianSsm::StreamForwardChunk(const Pass& pass, const Shard& shard, int first,
                                        int count, ShardStream& stream,
                                        Eigen::MatrixXd& top) const {
  const int batch = shard.Batch();
  encoder_.Forward(theta_, TimeMajorRows(shard.group, &SequenceExample::inputs, first, count),
                   top);
  Eigen::MatrixXd normalised, gelu_output, gated;
  Eigen::MatrixXd hru_output(config_.hidden, top.cols());
  for (size_t l = 0; l < blocks_.size(); ++l) {
    const int block = static_cast<int>(l);
    Normalise(block, pass, top, normalised);
    blocks_[l].hru.ForwardChunk(theta_, normalised, batch, stream.hru[l], stream.buffers,
                                hru_output);
    BranchAfterHru(block, pass, shard.indices, first, hru_output, gelu_output, gated);
    // residual: x ← x + dropout(GLU(dropout(GELU(HRU(norm(x))))))
    top += gated;
  }
}

void HamiltonianSsm::StreamBackwardChunk(const Pass& pass, Shard& shard, int first, int count,
                                         ShardStream& stream) const {
  const int batch = shard.Batch();
  const Eigen::MatrixXd inputs =
      TimeMajorRows(shard.group, &SequenceExample::inputs, first, count);
  const Eigen::Index columns = inputs.cols();
  // The chunk's activations, bottom up, each HRU retracing its steps from the state after
  // the chunk to the state before it.
  ChunkActivations a;
  a.input.resize(blocks_.size());
  a.normalised.resize(blocks_.size());
  a.hru_output.assign(blocks_.size(), Eigen::MatrixXd(config_.hidden, columns));
  a.gelu_output.resize(blocks_.size());
  Eigen::MatrixXd x, gated;
  encoder_.Forward(theta_, inputs, x);
  for (size_t l = 0; l < blocks_.size(); ++l) {
    const int block = static_cast<int>(l);
    a.input[l] = x;
    Normalise(block, pass, x, a.normalised[l]);
    blocks_[l].hru.RetreatChunk(theta_, a.normalised[l], batch, stream.hru[l], stream.buffers,
                                a.hru_output[l]);
    BranchAfterHru(block, pass, shard.indices, first, a.hru_output[l], a.gelu_output[l], gated);
    x += gated;
  }
  // dL/dx of the top activations, then down through the blocks, top first.
  Eigen::MatrixXd dx;
  if (config_.task == SequenceTaskKind::kClassification) {
    dx.resize(config_.hidden, columns);
    for (int k = 0; k < count; ++k) StepColumns(dx, k, batch) = stream.d_step;
  } else {
    dx = Eigen::MatrixXd::Zero(config_.hidden, columns);
    Regress(shard.group, x, first, &dx, &shard.gradient);
  }
  Eigen::MatrixXd d_hru, d_normalised(config_.hidden, columns);
  for (size_t l = blocks_.size(); l-- > 0;) {
    const int block = static_cast<int>(l);
    BranchAfterHruBackward(block, pass, shard.indices, first, a.hru_output[l],
                           a.gelu_output[l], dx, d_hru, shard.gradient);
    blocks_[l].hru.EchoChunk(theta_, a.normalised[l], d_hru, batch, stream.hru[l], stream.buffers,
                             d_normalised, shard.gradient);
    NormaliseBackward(block, pass, a.input[l], d_normalised, dx, shard.gradient);
  }
  encoder_.Backward(theta_, inputs, dx, nullptr, shard.gradient);
}

}  // namespace echolab
