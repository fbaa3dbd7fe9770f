#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "learning/hardware_cost.h"

namespace echolab {

/// What a sequence task asks for: a class per sequence, or an output
/// sequence (sub-sampled) per sequence.
enum class SequenceTaskKind { kClassification, kRegression };

/// One sequence of a data set. inputs: one row per time step, one column per
/// input channel. For classification `label` is the class in [0, classes);
/// for regression `targets` has one row per predicted time step (the model's
/// output sampling, see SequenceModel::OutputSteps) and one column per output.
struct SequenceExample {
  Eigen::MatrixXd inputs;
  int label = -1;
  Eigen::MatrixXd targets;
};

/// A data set of sequences of one task.
struct SequenceDataset {
  std::string name;
  SequenceTaskKind kind = SequenceTaskKind::kClassification;
  int input_channels = 0;
  int classes = 0;          // classification only
  int output_channels = 0;  // regression only
  std::vector<SequenceExample> examples;
};

/// How the gradient of a recurrent core is computed.
enum class SequenceGradientRule {
  kRhel,  // discrete recurrent Hamiltonian echo learning (two echoes per layer)
  kBptt,  // backpropagation through time (hand-written reverse pass)
};

struct SequenceEvaluationOptions {
  bool compute_gradient = false;
  SequenceGradientRule rule = SequenceGradientRule::kRhel;
  /// Nudging strength of the echoes (rule kRhel).
  double beta = 0.1;
  /// A training step: a model with dropout draws its masks from this seed, a model with batch
  /// normalisation uses the batch's statistics (and returns its updated running statistics,
  /// SequenceEvaluation::state). Absent (an evaluation), no unit is dropped and the running
  /// statistics normalise.
  std::optional<std::uint64_t> training_seed;
  /// Also measure what the gradient costs the physical device
  /// (SequenceEvaluation::cost), for models that run on one.
  bool measure_hardware_cost = false;
};

/// The mean over a batch of the loss (cross-entropy for classification, mean
/// squared error over outputs for regression), the task metric (accuracy in
/// [0, 1], or the mean squared error) and, when asked for, the gradient of the
/// mean loss with respect to SequenceModel::Parameters().
struct SequenceEvaluation {
  double loss = 0.0;
  double metric = 0.0;
  int examples = 0;
  Eigen::VectorXd gradient;
  /// What the gradient of the batch cost the device, summed over its
  /// sequences (learning/hardware_cost.h), when asked for; empty (no passes)
  /// for models that run on no device.
  HardwareCost cost;
  /// The unit of cost's times: "s" for a substrate, "steps" for a model in
  /// discrete time (an HSSM: one leapfrog step of its HRUs).
  std::string cost_time_unit = "s";
  /// In a training step, the model's state after it (SequenceModel::State: the running
  /// statistics of batch normalisation); empty for a model without state.
  Eigen::VectorXd state;
};

/// A trainable model of sequences: a flat parameter vector and a loss with its
/// gradient on a batch. Training (optimisers, checkpoints) sees only this.
class SequenceModel {
 public:
  virtual ~SequenceModel() = default;

  virtual const Eigen::VectorXd& Parameters() const = 0;
  /// Throws InputError when theta has the wrong size.
  virtual void SetParameters(const Eigen::VectorXd& theta) = 0;
  /// One name per entry of Parameters(), e.g. "block2.hru.A[7]".
  virtual std::vector<std::string> ParameterNames() const = 0;
  /// The values that a parameter vector of this model stands for, in the
  /// model's own units (for reports): the vector itself by default; a model
  /// that trains a reparametrisation (a substrate's log scale) maps it back.
  virtual Eigen::VectorXd PhysicalValues(const Eigen::VectorXd& parameters) const {
    return parameters;
  }
  /// Indices of the parameters of the recurrent dynamics (an HRU's stiffness,
  /// step and nonlinearity), whose effect grows with the sequence length: a
  /// change Δω of a unit's frequency turns its phase by K δ Δω over K steps.
  /// Training may give them a learning rate of their own. None by default.
  virtual std::vector<int> RecurrentParameterIndices() const { return {}; }
  /// What the model carries besides its parameters and does not train by gradient (the
  /// running statistics of batch normalisation), saved with them in checkpoints; empty by
  /// default. A training step returns the updated state (SequenceEvaluation::state).
  virtual Eigen::VectorXd State() const { return {}; }
  /// Throws InputError when `state` has the wrong size.
  virtual void SetState(const Eigen::VectorXd& state);

  /// Throws InputError on a sequence whose channels or targets do not fit.
  virtual SequenceEvaluation Evaluate(const std::vector<const SequenceExample*>& batch,
                                      const SequenceEvaluationOptions& options) const = 0;
};

}  // namespace echolab
