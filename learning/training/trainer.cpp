#include "learning/training/trainer.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "common/error.h"

namespace echolab {

void TrainingOptions::Validate() const {
  adam.Validate();
  if (batch_size < 1) {
    throw InputError(
        fmt::format("training.batch: expected a positive integer, got {}", batch_size));
  }
  if (steps < 1) {
    throw InputError(fmt::format("training.steps: expected a positive integer, got {}", steps));
  }
  if (eval_every < 1) {
    throw InputError(
        fmt::format("training.eval_every: expected a positive integer, got {}", eval_every));
  }
  if (patience < 0) {
    throw InputError(fmt::format(
        "training.patience: expected a non-negative integer (0: never stop early), got {}",
        patience));
  }
  if (!(beta > 0.0) || !std::isfinite(beta)) {
    throw InputError(fmt::format("training.beta: expected a positive number, got {}", beta));
  }
  if (!(recurrent_learning_rate >= 0.0) || !std::isfinite(recurrent_learning_rate)) {
    throw InputError(
        fmt::format("training.recurrent_lr: expected a positive number (or 0: lr), got {}",
                    recurrent_learning_rate));
  }
}

Trainer::Trainer(SequenceModel* model, const SequenceDataset* dataset, DatasetSplit split,
                 TrainingOptions options)
    : model_(model), dataset_(dataset), split_(std::move(split)), options_(options) {
  options_.Validate();
  const int count = static_cast<int>(dataset_->examples.size());
  for (const std::vector<int>* subset : {&split_.train, &split_.validation, &split_.test}) {
    if (subset->empty()) throw InputError("split: every subset needs at least one example");
    for (int index : *subset) {
      if (index < 0 || index >= count) {
        throw InputError(
            fmt::format("split: example {} is outside the data set of {}", index, count));
      }
    }
  }
}

TrainingState Trainer::Start() const {
  const Eigen::VectorXd& theta = model_->Parameters();
  const BatchSampler sampler(static_cast<int>(split_.train.size()), options_.batch_size,
                             options_.seed);
  return {.parameters = theta,
          .model_state = model_->State(),
          .adam = {.first = Eigen::VectorXd::Zero(theta.size()),
                   .second = Eigen::VectorXd::Zero(theta.size()),
                   .steps = 0},
          .sampler = sampler.State(),
          .best_parameters = theta,
          .best_model_state = model_->State()};
}

std::vector<const SequenceExample*> Trainer::Examples(const std::vector<int>& indices) const {
  std::vector<const SequenceExample*> batch;
  batch.reserve(indices.size());
  for (int index : indices) batch.push_back(&dataset_->examples[static_cast<size_t>(index)]);
  return batch;
}

SequenceEvaluation Trainer::EvaluateSubset(const std::vector<int>& indices) const {
  // Means over the subset, weighted by the examples of each batch.
  SequenceEvaluation total;
  const size_t batch = static_cast<size_t>(options_.batch_size);
  for (size_t begin = 0; begin < indices.size(); begin += batch) {
    const std::vector<int> chunk(
        indices.begin() + static_cast<long>(begin),
        indices.begin() + static_cast<long>(std::min(begin + batch, indices.size())));
    const SequenceEvaluation part = model_->Evaluate(Examples(chunk), {});
    const double n = static_cast<double>(chunk.size());
    total.loss += n * part.loss;
    total.metric += n * part.metric;
    total.examples += static_cast<int>(chunk.size());
  }
  total.loss /= total.examples;
  total.metric /= total.examples;
  return total;
}

bool Trainer::Improves(double metric, const TrainingState& state) const {
  if (state.best_step < 0) return true;
  return dataset_->kind == SequenceTaskKind::kClassification
             ? metric > state.best_validation_metric
             : metric < state.best_validation_metric;
}

void Trainer::Evaluate(double train_loss, long epoch, TrainingState* state) const {
  model_->SetParameters(state->parameters);
  model_->SetState(state->model_state);
  const SequenceEvaluation validation = EvaluateSubset(split_.validation);
  if (!std::isfinite(validation.loss) || !std::isfinite(validation.metric)) {
    throw SolverError(
        fmt::format("training: the validation loss is not finite at step {}", state->step));
  }
  state->history.push_back({.step = state->step,
                            .epoch = epoch,
                            .train_loss = train_loss,
                            .validation_loss = validation.loss,
                            .validation_metric = validation.metric,
                            .wall_time_s = state->wall_time_s});
  if (Improves(validation.metric, *state)) {
    state->best_parameters = state->parameters;
    state->best_model_state = state->model_state;
    state->best_validation_metric = validation.metric;
    state->best_step = state->step;
    state->evaluations_without_improvement = 0;
  } else {
    ++state->evaluations_without_improvement;
    state->stopped_early =
        options_.patience > 0 && state->evaluations_without_improvement >= options_.patience;
  }
}

void Trainer::CheckResumable(const TrainingState& state) const {
  const Eigen::Index size = model_->Parameters().size();
  if (state.parameters.size() != size || state.best_parameters.size() != size) {
    throw InputError(fmt::format("checkpoint: expected {} parameters for this model, got {}", size,
                                 state.parameters.size()));
  }
  const Eigen::Index state_size = model_->State().size();
  if (state.model_state.size() != state_size || state.best_model_state.size() != state_size) {
    throw InputError(fmt::format(
        "checkpoint: expected {} values of model state (running statistics) for this model, got "
        "{}; was it written with another normalisation?",
        state_size, state.model_state.size()));
  }
  if (state.sampler.order.size() != split_.train.size()) {
    throw InputError(fmt::format(
        "checkpoint: expected a training set of {} examples, got {}; was it written for another "
        "task or split?",
        split_.train.size(), state.sampler.order.size()));
  }
}

TrainingState Trainer::Run(TrainingState state, const TrainingObserver& observer) const {
  CheckResumable(state);
  AdamOptimizer adam(options_.adam, state.parameters.size());
  if (options_.recurrent_learning_rate > 0.0) {
    adam.SetLearningRate(model_->RecurrentParameterIndices(), options_.recurrent_learning_rate);
  }
  adam.Restore(state.adam);
  BatchSampler sampler(static_cast<int>(split_.train.size()), options_.batch_size, options_.seed);
  sampler.Restore(state.sampler);
  model_->SetParameters(state.parameters);
  model_->SetState(state.model_state);

  SequenceEvaluationOptions gradient_options{
      .compute_gradient = true, .rule = options_.rule, .beta = options_.beta};
  const auto start = std::chrono::steady_clock::now();
  const double wall_time_before_s = state.wall_time_s;
  double train_loss_sum = 0.0;
  long train_batches = 0;
  while (state.step < options_.steps && !state.stopped_early) {
    std::vector<int> positions = sampler.NextBatch();
    for (int& position : positions) position = split_.train[static_cast<size_t>(position)];
    // The dropout masks of this step: a function of the seed and the step alone, so that a
    // resumed run draws the same ones.
    gradient_options.training_seed =
        options_.seed * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(state.step);
    const SequenceEvaluation batch = model_->Evaluate(Examples(positions), gradient_options);
    if (!std::isfinite(batch.loss) || !batch.gradient.allFinite()) {
      throw SolverError(
          fmt::format("training: the loss or its gradient is not finite at step {}", state.step));
    }
    adam.Step(batch.gradient, &state.parameters);
    model_->SetParameters(state.parameters);
    if (batch.state.size() != 0) {
      state.model_state = batch.state;
      model_->SetState(state.model_state);
    }
    ++state.step;
    train_loss_sum += batch.loss;
    ++train_batches;
    if (observer.after_step) observer.after_step(state.step);

    if (state.step % options_.eval_every == 0 || state.step == options_.steps) {
      state.wall_time_s =
          wall_time_before_s +
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      state.adam = adam.moments();
      state.sampler = sampler.State();
      Evaluate(train_loss_sum / static_cast<double>(train_batches), sampler.epoch(), &state);
      train_loss_sum = 0.0;
      train_batches = 0;
      if (observer.after_evaluation) observer.after_evaluation(state);
    }
  }
  return state;
}

SequenceEvaluation Trainer::Test(const TrainingState& state) const {
  CheckResumable(state);
  model_->SetParameters(state.best_parameters);
  model_->SetState(state.best_model_state);
  return EvaluateSubset(split_.test);
}

}  // namespace echolab
