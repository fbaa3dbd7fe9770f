#include "learning/hssm/hamiltonian_ssm.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>

#include "common/error.h"
#include "learning/hssm/batch_norm.h"
#include "learning/hssm/channel_norm.h"
#include "learning/hssm/dropout.h"
#include "learning/hssm/gelu.h"
#include "learning/hssm/hamiltonian_ssm_pass.h"
#include "learning/hssm/hssm_gradient_cost.h"
#include "learning/hssm/shard_runner.h"
#include "learning/hssm/time_major.h"

namespace echolab {
namespace {

int DecoderOutputs(const HamiltonianSsmConfig& config) {
  return config.task == SequenceTaskKind::kClassification ? config.classes : config.output_channels;
}

const HamiltonianSsmConfig& Validated(const HamiltonianSsmConfig& config) {
  config.Validate();
  return config;
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

HamiltonianSsm::HamiltonianSsm(const HamiltonianSsmConfig& config, int chunk_columns)
    : config_(Validated(config)),
      chunk_columns_(chunk_columns),
      encoder_(0, config.input_channels, config.hidden),
      decoder_(0, config.hidden, DecoderOutputs(config)) {
  int offset = encoder_.ParameterCount();
  for (int l = 0; l < config_.layers; ++l) {
    const Eigen::Index norm_offset = offset;
    if (config_.batch_norm) offset += 2 * config_.hidden;  // scale, shift
    HruLayer hru(offset, config_.hidden, config_.state, config_.unit, config_.step, chunk_columns);
    offset += hru.ParameterCount();
    GluLayer glu(offset, config_.hidden);
    offset += glu.ParameterCount();
    blocks_.push_back({norm_offset, hru, glu});
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
  if (!config_.batch_norm) return;
  // Batch normalisation starts as the identity on standardised inputs: scale 1, shift 0;
  // running mean 0 and variance 1.
  for (const Block& block : blocks_) theta_.segment(block.norm_offset, config_.hidden).setOnes();
  running_.assign(blocks_.size(), {.mean = Eigen::VectorXd::Zero(config_.hidden),
                                   .variance = Eigen::VectorXd::Ones(config_.hidden)});
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
    if (config_.batch_norm) {
      for (int i = 0; i < config_.hidden; ++i)
        names.push_back(fmt::format("{}.norm.scale[{}]", prefix, i));
      for (int i = 0; i < config_.hidden; ++i)
        names.push_back(fmt::format("{}.norm.shift[{}]", prefix, i));
    }
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

namespace {

// Dropout in training steps only; site 0 after the GELU, site 1 after the GLU; x holds the
// steps first_step … of the shard's sequences.
void Drop(double rate, const SequenceEvaluationOptions& options, const std::vector<int>& indices,
          int block, int site, int first_step, Eigen::MatrixXd& x) {
  if (rate > 0.0) ApplyDropout({*options.training_seed, block, site, rate}, indices, first_step, x);
}

// Σ_s partial[s], added in shard order.
Eigen::VectorXd SumInShardOrder(const std::vector<Eigen::VectorXd>& partial) {
  Eigen::VectorXd sum = partial.front();
  for (size_t s = 1; s < partial.size(); ++s) sum += partial[s];
  return sum;
}

// [mean, variance] of every block, one after the other.
Eigen::VectorXd StateOf(const std::vector<ChannelStatistics>& running, Eigen::Index channels) {
  Eigen::VectorXd state(2 * channels * static_cast<Eigen::Index>(running.size()));
  for (size_t l = 0; l < running.size(); ++l) {
    const auto at = static_cast<Eigen::Index>(2 * l) * channels;
    state.segment(at, channels) = running[l].mean;
    state.segment(at + channels, channels) = running[l].variance;
  }
  return state;
}

}  // namespace

Eigen::VectorXd HamiltonianSsm::State() const { return StateOf(running_, config_.hidden); }

void HamiltonianSsm::SetState(const Eigen::VectorXd& state) {
  if (state.size() != State().size()) {
    throw InputError(fmt::format(
        "state: expected {} running statistics (mean and variance of {} channels per block{}), "
        "got {}",
        State().size(), config_.hidden, config_.batch_norm ? "" : ": none without batch_norm",
        state.size()));
  }
  for (size_t l = 0; l < running_.size(); ++l) {
    const auto variance = state.segment(static_cast<Eigen::Index>(2 * l + 1) * config_.hidden,
                                        config_.hidden);
    if (!state.allFinite() || (variance.array() < 0.0).any()) {
      throw InputError(fmt::format(
          "state: the running statistics of block {} must be finite, with variances >= 0", l));
    }
  }
  for (size_t l = 0; l < running_.size(); ++l) {
    const auto at = static_cast<Eigen::Index>(2 * l) * config_.hidden;
    running_[l].mean = state.segment(at, config_.hidden);
    running_[l].variance = state.segment(at + config_.hidden, config_.hidden);
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
  Pass pass;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i] == nullptr) throw InputError(fmt::format("batch[{}]: null sequence", i));
    CheckExample(*batch[i], i);
    groups[batch[i]->inputs.rows()].push_back(static_cast<int>(i));
    pass.columns += static_cast<double>(batch[i]->inputs.rows());
  }
  const auto parameters = options.compute_gradient ? theta_.size() : Eigen::Index{0};
  // The shards of every group, each with its own sums, added in shard order afterwards.
  for (const auto& [length, group] : groups) {
    for (std::vector<int>& indices : SplitIntoShards(group)) {
      Shard shard;
      for (int i : indices) shard.group.push_back(batch[static_cast<size_t>(i)]);
      shard.indices = std::move(indices);
      shard.gradient = Eigen::VectorXd::Zero(parameters);
      pass.shards.push_back(std::move(shard));
    }
  }
  pass.options = &options;
  pass.rule = options.compute_gradient ? options.rule : SequenceGradientRule::kRhel;
  pass.dropout = options.training_seed ? config_.dropout : 0.0;
  pass.batch_statistics = config_.batch_norm && options.training_seed.has_value();
  pass.statistics = running_;
  pass.cotangent_sums.resize(blocks_.size());
  pass.partial_sums.resize(pass.shards.size());
  pass.partial_cotangent_sums.resize(pass.shards.size());
  pass.batch_norm_gradient = Eigen::VectorXd::Zero(parameters);
  if (Streams(pass)) {
    RunShards(static_cast<int>(pass.shards.size()), config_.threads,
              [&](int s) { StreamShard(pass, pass.shards[static_cast<size_t>(s)]); });
  } else {
    RunPhases(static_cast<int>(pass.shards.size()), PassPhases(pass));
  }

  SequenceEvaluation evaluation;
  evaluation.examples = static_cast<int>(batch.size());
  Eigen::VectorXd gradient = Eigen::VectorXd::Zero(parameters);
  for (const Shard& shard : pass.shards) {
    evaluation.loss += shard.result.loss;
    evaluation.metric += shard.result.metric;
    if (options.compute_gradient) gradient += shard.gradient;
  }
  if (config_.batch_norm) gradient += pass.batch_norm_gradient;
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
  if (pass.batch_statistics) {
    std::vector<ChannelStatistics> running(blocks_.size());
    for (size_t l = 0; l < blocks_.size(); ++l) {
      running[l] =
          UpdateRunningStatistics(running_[l], pass.statistics[l], config_.batch_norm_momentum);
    }
    evaluation.state = StateOf(running, config_.hidden);
  }
  return evaluation;
}

std::vector<HamiltonianSsm::Phase> HamiltonianSsm::PassPhases(Pass& pass) const {
  const bool gradient = pass.options->compute_gradient;
  std::vector<Phase> phases;
  phases.push_back({[&pass, this](int s) {
                      Shard& shard = pass.shards[static_cast<size_t>(s)];
                      shard.inputs = TimeMajor(shard.group, &SequenceExample::inputs);
                      encoder_.Forward(theta_, shard.inputs, shard.x);
                      shard.activations.resize(blocks_.size());
                    },
                    {}});
  for (size_t l = 0; l < blocks_.size(); ++l) {
    const int block = static_cast<int>(l);
    if (pass.batch_statistics) AddBatchStatisticsPhases(block, pass, phases);
    phases.push_back({[&pass, this, block](int s) {
                        ForwardBlock(block, pass, pass.shards[static_cast<size_t>(s)]);
                      },
                      {}});
  }
  phases.push_back({[&pass, this, gradient](int s) {
                      Shard& shard = pass.shards[static_cast<size_t>(s)];
                      shard.result = gradient
                                         ? Decode(shard.group, shard.x, &shard.dx, &shard.gradient)
                                         : Decode(shard.group, shard.x, nullptr, nullptr);
                      shard.x = Eigen::MatrixXd();
                    },
                    {}});
  if (!gradient) return phases;
  // Top block first: each HRU's input-gradient estimate flows on to the block below.
  for (size_t l = blocks_.size(); l-- > 0;) AddBackwardPhases(static_cast<int>(l), pass, phases);
  phases.push_back({[&pass, this](int s) {
                      Shard& shard = pass.shards[static_cast<size_t>(s)];
                      encoder_.Backward(theta_, shard.inputs, shard.dx, nullptr, shard.gradient);
                    },
                    {}});
  return phases;
}

void HamiltonianSsm::RunPhases(int shards, const std::vector<Phase>& phases) const {
  const bool coupled = std::any_of(phases.begin(), phases.end(),
                                   [](const Phase& phase) { return bool(phase.reduce); });
  if (!coupled) {
    // The shards are independent: each runs its whole pass in one task.
    RunShards(shards, config_.threads, [&](int s) {
      for (const Phase& phase : phases) phase.task(s);
    });
    return;
  }
  for (const Phase& phase : phases) {
    RunShards(shards, config_.threads, phase.task);
    if (phase.reduce) phase.reduce();
  }
}

void HamiltonianSsm::AddBatchStatisticsPhases(int block, Pass& pass,
                                              std::vector<Phase>& phases) const {
  const auto l = static_cast<size_t>(block);
  // μ = Σ x / M over the batch's columns
  phases.push_back({[&pass](int s) {
                      pass.partial_sums[static_cast<size_t>(s)] =
                          ColumnSum(pass.shards[static_cast<size_t>(s)].x);
                    },
                    [&pass, l] {
                      pass.statistics[l].mean = SumInShardOrder(pass.partial_sums) / pass.columns;
                    }});
  // σ² = Σ (x − μ)² / M
  phases.push_back({[&pass, l](int s) {
                      pass.partial_sums[static_cast<size_t>(s)] = SquaredDeviationSum(
                          pass.shards[static_cast<size_t>(s)].x, pass.statistics[l].mean);
                    },
                    [&pass, l] {
                      pass.statistics[l].variance =
                          SumInShardOrder(pass.partial_sums) / pass.columns;
                    }});
}

void HamiltonianSsm::Normalise(int block, const Pass& pass, const Eigen::MatrixXd& x,
                               Eigen::MatrixXd& y) const {
  if (!config_.batch_norm) {
    NormaliseChannels(x, y);
    return;
  }
  const Eigen::Index offset = blocks_[static_cast<size_t>(block)].norm_offset;
  BatchNormForward(x, pass.statistics[static_cast<size_t>(block)],
                   theta_.segment(offset, config_.hidden),
                   theta_.segment(offset + config_.hidden, config_.hidden), y);
}

void HamiltonianSsm::ForwardBlock(int block, const Pass& pass, Shard& shard) const {
  const Block& layers = blocks_[static_cast<size_t>(block)];
  BlockActivations& a = shard.activations[static_cast<size_t>(block)];
  a.input = shard.x;
  Eigen::MatrixXd normalised, gelu_output, gated;
  Normalise(block, pass, a.input, normalised);
  a.hru_output = layers.hru.Forward(theta_, normalised, shard.Batch(), pass.rule, a.hru_memory);
  BranchAfterHru(block, pass, shard.indices, 0, a.hru_output, gelu_output, gated);
  // residual: x ← x + dropout(GLU(dropout(GELU(HRU(norm(x))))))
  shard.x = a.input + gated;
}

void HamiltonianSsm::DroppedGelu(int block, const Pass& pass, const std::vector<int>& indices,
                                 int first_step, const Eigen::MatrixXd& hru_output,
                                 Eigen::MatrixXd& gelu_output) const {
  Gelu(hru_output, gelu_output);
  Drop(pass.dropout, *pass.options, indices, block, 0, first_step, gelu_output);
}

void HamiltonianSsm::BranchAfterHru(int block, const Pass& pass, const std::vector<int>& indices,
                                    int first_step, const Eigen::MatrixXd& hru_output,
                                    Eigen::MatrixXd& gelu_output, Eigen::MatrixXd& gated) const {
  DroppedGelu(block, pass, indices, first_step, hru_output, gelu_output);
  blocks_[static_cast<size_t>(block)].glu.Forward(theta_, gelu_output, gated);
  Drop(pass.dropout, *pass.options, indices, block, 1, first_step, gated);
}

void HamiltonianSsm::BranchAfterHruBackward(int block, const Pass& pass,
                                            const std::vector<int>& indices, int first_step,
                                            const Eigen::MatrixXd& hru_output,
                                            const Eigen::MatrixXd& gelu_output,
                                            const Eigen::MatrixXd& dx, Eigen::MatrixXd& d_hru,
                                            Eigen::VectorXd& gradient) const {
  const SequenceEvaluationOptions& options = *pass.options;
  Eigen::MatrixXd d_gated, d_gelu;
  if (pass.dropout > 0.0) {
    d_gated = dx;
    Drop(pass.dropout, options, indices, block, 1, first_step, d_gated);
  }
  blocks_[static_cast<size_t>(block)].glu.Backward(theta_, gelu_output,
                                                   pass.dropout > 0.0 ? d_gated : dx, d_gelu,
                                                   gradient);
  Drop(pass.dropout, options, indices, block, 0, first_step, d_gelu);
  GeluBackward(hru_output, d_gelu, d_hru);
}

void HamiltonianSsm::NormaliseBackward(int block, const Pass& pass, const Eigen::MatrixXd& x,
                                       const Eigen::MatrixXd& d_normalised, Eigen::MatrixXd& dx,
                                       Eigen::VectorXd& gradient) const {
  Eigen::MatrixXd d_input;
  if (!config_.batch_norm) {
    NormaliseChannelsBackward(x, d_normalised, d_input);
    dx += d_input;
    return;
  }
  const auto l = static_cast<size_t>(block);
  const Eigen::Index offset = blocks_[l].norm_offset;
  const BatchNormCotangentSums sums = CotangentSums(x, pass.statistics[l], d_normalised);
  gradient.segment(offset, config_.hidden) += sums.dy_standardised;
  gradient.segment(offset + config_.hidden, config_.hidden) += sums.dy;
  BatchNormBackward(x, pass.statistics[l], theta_.segment(offset, config_.hidden), d_normalised,
                    nullptr, pass.columns, d_input);
  dx += d_input;
}

void HamiltonianSsm::AddBackwardPhases(int block, Pass& pass, std::vector<Phase>& phases) const {
  if (!config_.batch_norm) {
    phases.push_back({[&pass, this, block](int s) {
                        BackwardBlock(block, pass, pass.shards[static_cast<size_t>(s)]);
                      },
                      {}});
    return;
  }
  const auto l = static_cast<size_t>(block);
  // The batch sums Σ dy and Σ dy ⊙ x̂ at the normalisation's output: its backward pass needs
  // them, and they are the gradients of its shift and scale.
  phases.push_back(
      {[&pass, this, block, l](int s) {
         Shard& shard = pass.shards[static_cast<size_t>(s)];
         BackwardBlock(block, pass, shard);
         pass.partial_cotangent_sums[static_cast<size_t>(s)] =
             CotangentSums(shard.activations[l].input, pass.statistics[l], shard.d_normalised);
       },
       [&pass, this, l] {
         BatchNormCotangentSums& sums = pass.cotangent_sums[l];
         sums = pass.partial_cotangent_sums.front();
         for (size_t s = 1; s < pass.shards.size(); ++s) {
           sums.dy += pass.partial_cotangent_sums[s].dy;
           sums.dy_standardised += pass.partial_cotangent_sums[s].dy_standardised;
         }
         const Eigen::Index offset = blocks_[l].norm_offset;
         pass.batch_norm_gradient.segment(offset, config_.hidden) = sums.dy_standardised;
         pass.batch_norm_gradient.segment(offset + config_.hidden, config_.hidden) = sums.dy;
       }});
  phases.push_back({[&pass, this, block](int s) {
                      FinishBatchNormBackward(block, pass, pass.shards[static_cast<size_t>(s)]);
                    },
                    {}});
}

// Backward through the block down to the normalisation's output (shard.d_normalised); with
// the per-step normalisation also through it, into the residual stream's cotangent.
void HamiltonianSsm::BackwardBlock(int block, const Pass& pass, Shard& shard) const {
  const Block& layers = blocks_[static_cast<size_t>(block)];
  BlockActivations& a = shard.activations[static_cast<size_t>(block)];
  Eigen::MatrixXd gelu_output, d_hru, normalised;
  DroppedGelu(block, pass, shard.indices, 0, a.hru_output, gelu_output);
  BranchAfterHruBackward(block, pass, shard.indices, 0, a.hru_output, gelu_output, shard.dx,
                         d_hru, shard.gradient);
  Normalise(block, pass, a.input, normalised);
  shard.d_normalised = layers.hru.Backward(theta_, normalised, shard.Batch(), a.hru_memory, d_hru,
                                           *pass.options, shard.gradient);
  if (config_.batch_norm) return;
  NormaliseBackward(block, pass, a.input, shard.d_normalised, shard.dx, shard.gradient);
  shard.d_normalised = Eigen::MatrixXd();
  a = BlockActivations();  // the block's activations are no longer needed
}

void HamiltonianSsm::FinishBatchNormBackward(int block, const Pass& pass, Shard& shard) const {
  const auto l = static_cast<size_t>(block);
  BlockActivations& a = shard.activations[l];
  Eigen::MatrixXd d_input;
  BatchNormBackward(a.input, pass.statistics[l],
                    theta_.segment(blocks_[l].norm_offset, config_.hidden), shard.d_normalised,
                    pass.batch_statistics ? &pass.cotangent_sums[l] : nullptr, pass.columns,
                    d_input);
  shard.dx += d_input;
  shard.d_normalised = Eigen::MatrixXd();
  a = BlockActivations();
}

HamiltonianSsm::GroupResult HamiltonianSsm::Decode(const std::vector<const SequenceExample*>& group,
                                                   const Eigen::MatrixXd& x, Eigen::MatrixXd* dx,
                                                   Eigen::VectorXd* gradient) const {
  if (config_.task == SequenceTaskKind::kRegression) {
    if (dx != nullptr) *dx = Eigen::MatrixXd::Zero(x.rows(), x.cols());
    return Regress(group, x, 0, dx, gradient);
  }
  const auto batch = static_cast<int>(group.size());
  const auto steps = static_cast<int>(x.cols() / batch);
  // pooled_b = (1/K) Σ_k x_(k, b)
  Eigen::MatrixXd pooled = Eigen::MatrixXd::Zero(x.rows(), batch);
  for (int k = 0; k < steps; ++k) pooled += StepColumns(x, k, batch);
  pooled /= static_cast<double>(steps);
  if (dx == nullptr) return Classify(group, pooled, nullptr, nullptr);
  Eigen::MatrixXd d_pooled;
  const GroupResult result = Classify(group, pooled, &d_pooled, gradient);
  dx->resize(x.rows(), x.cols());
  for (int k = 0; k < steps; ++k) StepColumns(*dx, k, batch) = d_pooled / steps;
  return result;
}

HamiltonianSsm::GroupResult HamiltonianSsm::Classify(
    const std::vector<const SequenceExample*>& group, const Eigen::MatrixXd& pooled,
    Eigen::MatrixXd* d_pooled, Eigen::VectorXd* gradient) const {
  const auto batch = static_cast<int>(group.size());
  GroupResult result;
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
  if (d_pooled != nullptr) decoder_.Backward(theta_, pooled, d_logits, d_pooled, *gradient);
  return result;
}

HamiltonianSsm::GroupResult HamiltonianSsm::Regress(
    const std::vector<const SequenceExample*>& group, const Eigen::MatrixXd& x, int first_step,
    Eigen::MatrixXd* dx, Eigen::VectorXd* gradient) const {
  const auto batch = static_cast<int>(group.size());
  const int steps = static_cast<int>(x.cols() / batch);
  const int length = static_cast<int>(group.front()->inputs.rows());
  // The predicted steps t_s = (s + 1) · output_step − 1, s = 0 … S − 1, in this range.
  const int o = config_.output_step;
  const int first_output = (first_step + o) / o - 1;
  const int end_output = std::min(OutputSteps(length), (first_step + steps) / o);
  GroupResult result;
  const int outputs = end_output - first_output;
  if (outputs <= 0) return result;
  Eigen::MatrixXd sampled(x.rows(), static_cast<Eigen::Index>(outputs) * batch);
  for (int s = 0; s < outputs; ++s) {
    StepColumns(sampled, s, batch) = StepColumns(x, (first_output + s + 1) * o - 1 - first_step, batch);
  }
  Eigen::MatrixXd z;
  decoder_.Forward(theta_, sampled, z);
  const Eigen::MatrixXd prediction = z.array().tanh().matrix();
  const Eigen::MatrixXd residual =
      prediction - TimeMajorRows(group, &SequenceExample::targets, first_output, outputs);
  // l = mean over the predicted steps and the outputs of (tanh(z) − y)²
  const double per_sequence = static_cast<double>(residual.rows()) * OutputSteps(length);
  result.loss = residual.squaredNorm() / per_sequence;
  result.metric = result.loss;
  if (dx == nullptr) return result;
  const Eigen::MatrixXd dz =
      (2.0 / per_sequence * residual.array() * (1.0 - prediction.array().square())).matrix();
  Eigen::MatrixXd d_sampled;
  decoder_.Backward(theta_, sampled, dz, &d_sampled, *gradient);
  for (int s = 0; s < outputs; ++s) {
    StepColumns(*dx, (first_output + s + 1) * o - 1 - first_step, batch) =
        StepColumns(d_sampled, s, batch);
  }
  return result;
}

}  // namespace echolab
