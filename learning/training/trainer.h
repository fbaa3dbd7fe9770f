#pragma once

#include <cstdint>
#include <functional>

#include "learning/training/adam_optimizer.h"
#include "learning/training/dataset_split.h"
#include "learning/training/sequence_model.h"
#include "learning/training/training_state.h"

namespace echolab {

/// How to train a SequenceModel.
struct TrainingOptions {
  AdamOptions adam;
  int batch_size = 16;
  long steps = 1000;       // optimiser steps in all
  long eval_every = 50;    // evaluate on the validation set every this many steps (and at the end)
  int patience = 0;        // stop after this many evaluations without improvement; 0: never
  std::uint64_t seed = 1;  // seed of the mini-batch shuffling
  SequenceGradientRule rule = SequenceGradientRule::kRhel;
  double beta = 0.1;  // nudging strength of the echoes (rule kRhel)
  /// Learning rate of the model's recurrent parameters
  /// (SequenceModel::RecurrentParameterIndices); 0: adam.learning_rate.
  double recurrent_learning_rate = 0.0;

  /// Throws InputError naming the first invalid field and what was expected.
  void Validate() const;
};

/// Called after every optimiser step (with the step count) and after every
/// evaluation (with the state, e.g. to write a checkpoint and report progress).
struct TrainingObserver {
  std::function<void(long step)> after_step;
  std::function<void(const TrainingState& state)> after_evaluation;
};

/// Mini-batch training with Adam, periodic validation, early stopping on the
/// validation metric (accuracy for classification, higher is better; mean
/// squared error for regression, lower is better) and a state that can be
/// saved and resumed bit for bit. The trainer sees only SequenceModel.
class Trainer {
 public:
  /// The model and data set must outlive the trainer.
  Trainer(SequenceModel* model, const SequenceDataset* dataset, DatasetSplit split,
          TrainingOptions options);

  /// The state before the first step: the model's parameters, fresh moments,
  /// the first epoch's shuffle.
  TrainingState Start() const;
  /// Trains from `state` until options.steps or early stopping. Throws
  /// InputError when the state does not fit the model or the training set.
  TrainingState Run(TrainingState state, const TrainingObserver& observer) const;
  /// The model with the best parameters of `state`, evaluated on the test set.
  SequenceEvaluation Test(const TrainingState& state) const;

  const DatasetSplit& split() const { return split_; }

 private:
  // The mean loss and metric over a subset, in batches of options.batch_size.
  SequenceEvaluation EvaluateSubset(const std::vector<int>& indices) const;
  std::vector<const SequenceExample*> Examples(const std::vector<int>& indices) const;
  // Validation, best-so-far and early stopping at the end of a step.
  void Evaluate(double train_loss, long epoch, TrainingState* state) const;
  bool Improves(double metric, const TrainingState& state) const;
  void CheckResumable(const TrainingState& state) const;

  SequenceModel* model_;
  const SequenceDataset* dataset_;
  DatasetSplit split_;
  TrainingOptions options_;
};

}  // namespace echolab
