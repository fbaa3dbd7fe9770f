#pragma once

#include <Eigen/Dense>
#include <vector>

#include "learning/training/adam_optimizer.h"
#include "learning/training/batch_sampler.h"

namespace echolab {

/// One evaluation during training: a row of metrics.csv.
struct EvaluationRecord {
  long step = 0;
  long epoch = 0;
  double train_loss = 0.0;  // mean batch loss over the steps since the last evaluation
  double validation_loss = 0.0;
  double validation_metric = 0.0;
  double wall_time_s = 0.0;  // training time so far, over every run of a resumed training
};

/// Everything a training run carries from step to step, taken at an
/// evaluation: what a checkpoint holds and a resumed run continues from.
struct TrainingState {
  Eigen::VectorXd parameters;
  /// The model's state beside its parameters (SequenceModel::State), empty for most models.
  Eigen::VectorXd model_state;
  AdamMoments adam;
  long step = 0;
  BatchSamplerState sampler;
  /// The parameters with the best validation metric so far, and when.
  Eigen::VectorXd best_parameters;
  Eigen::VectorXd best_model_state;
  double best_validation_metric = 0.0;
  long best_step = -1;  // -1 before the first evaluation
  int evaluations_without_improvement = 0;
  bool stopped_early = false;
  double wall_time_s = 0.0;
  std::vector<EvaluationRecord> history;
};

}  // namespace echolab
