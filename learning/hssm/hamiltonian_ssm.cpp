#include "learning/hssm/hamiltonian_ssm.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>

#include "common/error.h"
#include "learning/hssm/channel_norm.h"
#include "learning/hssm/dropout.h"
#include "learning/hssm/gelu.h"
#include "learning/hssm/hssm_gradient_cost.h"
#include "learning/hssm/shard_runner.h"

namespace echolab {
namespace {

int DecoderOutputs(const HamiltonianSsmConfig& config) {
  return config.task == SequenceTaskKind::kClassification ? config.classes : config.output_channels;
}

const HamiltonianSsmConfig& Validated(const HamiltonianSsmConfig& config) {
  config.Validate();
  return config;
}

// What a block keeps for its backward pass: its input and the HRU layer's output and
// memory (the final state only, under RHEL). The normalised input and the GELU's output
// are recomputed from these two when the backward pass reaches the block, so that a
// block holds two H × K · B matrices instead of four.
struct BlockActivations {
  Eigen::MatrixXd input;
  Eigen::MatrixXd hru_output;
  HruLayer::Memory hru_memory;
};

// Time-major: column k · batch + b holds row k of sequence b's matrix.
Eigen::MatrixXd TimeMajor(const std::vector<const SequenceExample*>& group,
                          Eigen::MatrixXd SequenceExample::*field) {
  const auto batch = static_cast<int>(group.size());
  const Eigen::MatrixXd& first = group.front()->*field;
  Eigen::MatrixXd out(first.cols(), first.rows() * batch);
  for (int b = 0; b < batch; ++b) {
    const Eigen::MatrixXd& m = group[b]->*field;
    for (Eigen::Index k = 0; k < m.rows(); ++k) out.col(k * batch + b) = m.row(k).transpose();
  }
  return out;
}

// Shards of kShardSequences consecutive sequences (the last one may be shorter), as indices
// into the batch: the split depends on the group's size only, never on the thread count.
std::vector<std::vector<int>> SplitIntoShards(const std::vector<int>& group) {
  std::vector<std::vector<int>> out;
  for (size_t first = 0; first < group.size(); first += kShardSequences) {
    const size_t last = std::min(group.size(), first + kShardSequences);
    out.emplace_back(group.begin() + static_cast<std::ptrdiff_t>(first),
                     group.begin() + static_cast<std::ptrdiff_t>(last));
  }
  return out;
}

}  // namespace

HamiltonianSsm::HamiltonianSsm(const HamiltonianSsmConfig& config)
    : config_(Validated(config)),
      encoder_(0, config.input_channels, config.hidden),
      decoder_(0, config.hidden, DecoderOutputs(config)) {
  int offset = encoder_.ParameterCount();
  for (int l = 0; l < config_.layers; ++l) {
    HruLayer hru(offset, config_.hidden, config_.state, config_.unit, config_.step);
    offset += hru.ParameterCount();
    GluLayer glu(offset, config_.hidden);
    offset += glu.ParameterCount();
    blocks_.push_back({hru, glu});
  }
  decoder_ = DenseLayer(offset, config_.hidden, DecoderOutputs(config_));
  theta_ = Eigen::VectorXd::Zero(offset + decoder_.ParameterCount());
  std::mt19937_64 rng(config_.seed);
  encoder_.Initialise(theta_, rng);
  for (const Block& block : blocks_) {
    block.hru.Initialise(theta_, rng, config_.init);
    block.glu.Initialise(theta_, rng);
  }
  decoder_.Initialise(theta_, rng);
}

void HamiltonianSsm::SetParameters(const Eigen::VectorXd& theta) {
  if (theta.size() != theta_.size()) {
    throw InputError(
        fmt::format("theta: expected {} parameters, got {}", theta_.size(), theta.size()));
  }
  theta_ = theta;
}

std::vector<std::string> HamiltonianSsm::ParameterNames() const {
  std::vector<std::string> names;
  encoder_.AppendParameterNames("encoder", names);
  for (size_t l = 0; l < blocks_.size(); ++l) {
    const std::string prefix = fmt::format("block{}", l);
    blocks_[l].hru.AppendParameterNames(prefix + ".hru", names);
    blocks_[l].glu.AppendParameterNames(prefix, names);
  }
  decoder_.AppendParameterNames("decoder", names);
  return names;
}

std::vector<int> HamiltonianSsm::RecurrentParameterIndices() const {
  std::vector<int> indices;
  for (const Block& block : blocks_) {
    const std::vector<int> unit = block.hru.UnitParameterIndices();
    indices.insert(indices.end(), unit.begin(), unit.end());
  }
  return indices;
}

void HamiltonianSsm::CheckExample(const SequenceExample& example, size_t index) const {
  const std::string field = fmt::format("batch[{}]", index);
  if (example.inputs.rows() < 1 || example.inputs.cols() != config_.input_channels) {
    throw InputError(fmt::format("{}.inputs: expected at least 1 step of {} channels, got {} x {}",
                                 field, config_.input_channels, example.inputs.rows(),
                                 example.inputs.cols()));
  }
  if (config_.task == SequenceTaskKind::kClassification) {
    if (example.label < 0 || example.label >= config_.classes) {
      throw InputError(fmt::format("{}.label: expected a class in [0, {}), got {}", field,
                                   config_.classes, example.label));
    }
    return;
  }
  const int steps = OutputSteps(static_cast<int>(example.inputs.rows()));
  if (steps < 1 || example.targets.rows() != steps ||
      example.targets.cols() != config_.output_channels) {
    throw InputError(fmt::format(
        "{}.targets: expected {} x {} (steps x outputs, at least one "
        "step), got {} x {}",
        field, steps, config_.output_channels, example.targets.rows(), example.targets.cols()));
  }
}

SequenceEvaluation HamiltonianSsm::Evaluate(const std::vector<const SequenceExample*>& batch,
                                            const SequenceEvaluationOptions& options) const {
  if (batch.empty()) throw InputError("batch: expected at least one sequence");
  if (options.compute_gradient && options.rule == SequenceGradientRule::kRhel &&
      !(options.beta > 0.0 && std::isfinite(options.beta))) {
    throw InputError(fmt::format("beta: expected a finite value > 0, got {}", options.beta));
  }
  // Sequences of equal length run together, batched.
  std::map<Eigen::Index, std::vector<int>> groups;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i] == nullptr) throw InputError(fmt::format("batch[{}]: null sequence", i));
    CheckExample(*batch[i], i);
    groups[batch[i]->inputs.rows()].push_back(static_cast<int>(i));
  }
  SequenceEvaluation evaluation;
  evaluation.examples = static_cast<int>(batch.size());
  // The shards of every group, each with its own sums, added in shard order afterwards.
  std::vector<std::vector<int>> shards;
  for (const auto& [length, group] : groups) {
    for (auto& shard : SplitIntoShards(group)) shards.push_back(std::move(shard));
  }
  const auto parameters = options.compute_gradient ? theta_.size() : Eigen::Index{0};
  std::vector<GroupResult> results(shards.size());
  std::vector<Eigen::VectorXd> gradients(shards.size(), Eigen::VectorXd::Zero(parameters));
  RunShards(static_cast<int>(shards.size()), config_.threads, [&](int s) {
    std::vector<const SequenceExample*> group;
    for (int i : shards[s]) group.push_back(batch[static_cast<size_t>(i)]);
    results[s] = EvaluateGroup(group, shards[s], options,
                               options.compute_gradient ? &gradients[s] : nullptr);
  });
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(parameters);
  for (size_t s = 0; s < shards.size(); ++s) {
    evaluation.loss += results[s].loss;
    evaluation.metric += results[s].metric;
    if (options.compute_gradient) gradient += gradients[s];
  }
  const auto count = static_cast<double>(batch.size());
  evaluation.loss /= count;
  evaluation.metric /= count;
  if (options.compute_gradient) evaluation.gradient = gradient / count;
  if (options.compute_gradient && options.measure_hardware_cost) {
    std::vector<int> lengths;
    for (const SequenceExample* example : batch) {
      lengths.push_back(static_cast<int>(example->inputs.rows()));
    }
    evaluation.cost =
        HssmGradientCost(static_cast<int>(blocks_.size()), config_.state, lengths, options.rule);
    evaluation.cost_time_unit = "steps";
  }
  return evaluation;
}

HamiltonianSsm::GroupResult HamiltonianSsm::EvaluateGroup(
    const std::vector<const SequenceExample*>& group, const std::vector<int>& indices,
    const SequenceEvaluationOptions& options, Eigen::VectorXd* gradient) const {
  const auto batch = static_cast<int>(group.size());
  // Dropout in training steps only; site 0 after the GELU, site 1 after the GLU.
  const double dropout = options.dropout_seed ? config_.dropout : 0.0;
  auto drop = [&](int block, int site, Eigen::MatrixXd& x) {
    if (dropout > 0.0) {
      ApplyDropout({*options.dropout_seed, block, site, dropout}, indices, x);
    }
  };
  // Without a gradient nothing is kept beyond what RHEL keeps.
  const SequenceGradientRule rule =
      options.compute_gradient ? options.rule : SequenceGradientRule::kRhel;
  const Eigen::MatrixXd inputs = TimeMajor(group, &SequenceExample::inputs);
  Eigen::MatrixXd x;
  encoder_.Forward(theta_, inputs, x);
  std::vector<BlockActivations> activations(blocks_.size());
  Eigen::MatrixXd normalised, gelu_output, gated;
  for (size_t l = 0; l < blocks_.size(); ++l) {
    BlockActivations& a = activations[l];
    a.input = x;
    NormaliseChannels(a.input, normalised);
    a.hru_output = blocks_[l].hru.Forward(theta_, normalised, batch, rule, a.hru_memory);
    Gelu(a.hru_output, gelu_output);
    drop(static_cast<int>(l), 0, gelu_output);
    blocks_[l].glu.Forward(theta_, gelu_output, gated);
    drop(static_cast<int>(l), 1, gated);
    // residual: x ← x + dropout(GLU(dropout(GELU(HRU(norm(x))))))
    x = a.input + gated;
  }
  gated = Eigen::MatrixXd();
  if (gradient == nullptr) return Decode(group, x, nullptr, nullptr);

  Eigen::MatrixXd dx;
  const GroupResult result = Decode(group, x, &dx, gradient);
  // Top block first: each HRU's input-gradient estimate flows on to the block below.
  Eigen::MatrixXd d_gated, d_gelu, d_hru, d_normalised, d_input;
  for (size_t l = blocks_.size(); l-- > 0;) {
    BlockActivations& a = activations[l];
    const int block = static_cast<int>(l);
    Gelu(a.hru_output, gelu_output);
    drop(block, 0, gelu_output);
    if (dropout > 0.0) {
      d_gated = dx;
      drop(block, 1, d_gated);
    }
    blocks_[l].glu.Backward(theta_, gelu_output, dropout > 0.0 ? d_gated : dx, d_gelu, *gradient);
    drop(block, 0, d_gelu);
    GeluBackward(a.hru_output, d_gelu, d_hru);
    NormaliseChannels(a.input, normalised);
    d_normalised = blocks_[l].hru.Backward(theta_, normalised, batch, a.hru_memory, d_hru,
                                           options, *gradient);
    NormaliseChannelsBackward(a.input, d_normalised, d_input);
    dx += d_input;
    a = BlockActivations();  // the block's activations are no longer needed
  }
  encoder_.Backward(theta_, inputs, dx, nullptr, *gradient);
  return result;
}

HamiltonianSsm::GroupResult HamiltonianSsm::Decode(const std::vector<const SequenceExample*>& group,
                                                   const Eigen::MatrixXd& x, Eigen::MatrixXd* dx,
                                                   Eigen::VectorXd* gradient) const {
  const auto batch = static_cast<int>(group.size());
  const auto steps = static_cast<int>(x.cols() / batch);
  GroupResult result;
  if (config_.task == SequenceTaskKind::kClassification) {
    // pooled_b = (1/K) Σ_k x_(k, b)
    Eigen::MatrixXd pooled = Eigen::MatrixXd::Zero(x.rows(), batch);
    for (int k = 0; k < steps; ++k) pooled += StepColumns(x, k, batch);
    pooled /= static_cast<double>(steps);
    Eigen::MatrixXd logits;
    decoder_.Forward(theta_, pooled, logits);
    Eigen::MatrixXd d_logits(logits.rows(), batch);
    for (int b = 0; b < batch; ++b) {
      // l = log Σ_c exp(z_c) − z_label,  dl/dz = softmax(z) − e_label
      const double top = logits.col(b).maxCoeff();
      const Eigen::VectorXd exps = (logits.col(b).array() - top).exp().matrix();
      const double sum = exps.sum();
      result.loss += top + std::log(sum) - logits(group[b]->label, b);
      Eigen::Index predicted = 0;
      logits.col(b).maxCoeff(&predicted);
      result.metric += predicted == group[b]->label ? 1.0 : 0.0;
      d_logits.col(b) = exps / sum;
      d_logits(group[b]->label, b) -= 1.0;
    }
    if (dx == nullptr) return result;
    Eigen::MatrixXd d_pooled;
    decoder_.Backward(theta_, pooled, d_logits, &d_pooled, *gradient);
    dx->resize(x.rows(), x.cols());
    for (int k = 0; k < steps; ++k) StepColumns(*dx, k, batch) = d_pooled / steps;
    return result;
  }
  // Regression: steps s · output_step − 1 for s = 1 … S.
  const int outputs_per_sequence = OutputSteps(steps);
  Eigen::MatrixXd sampled(x.rows(), static_cast<Eigen::Index>(outputs_per_sequence) * batch);
  for (int s = 0; s < outputs_per_sequence; ++s) {
    StepColumns(sampled, s, batch) = StepColumns(x, (s + 1) * config_.output_step - 1, batch);
  }
  Eigen::MatrixXd z;
  decoder_.Forward(theta_, sampled, z);
  const Eigen::MatrixXd prediction = z.array().tanh().matrix();
  const Eigen::MatrixXd residual = prediction - TimeMajor(group, &SequenceExample::targets);
  // l = mean over steps and outputs of (tanh(z) − y)²
  const double per_sequence = static_cast<double>(residual.rows()) * outputs_per_sequence;
  result.loss = residual.squaredNorm() / per_sequence;
  result.metric = result.loss;
  if (dx == nullptr) return result;
  const Eigen::MatrixXd dz =
      (2.0 / per_sequence * residual.array() * (1.0 - prediction.array().square())).matrix();
  Eigen::MatrixXd d_sampled;
  decoder_.Backward(theta_, sampled, dz, &d_sampled, *gradient);
  *dx = Eigen::MatrixXd::Zero(x.rows(), x.cols());
  for (int s = 0; s < outputs_per_sequence; ++s) {
    StepColumns(*dx, (s + 1) * config_.output_step - 1, batch) = StepColumns(d_sampled, s, batch);
  }
  return result;
}

}  // namespace echolab
