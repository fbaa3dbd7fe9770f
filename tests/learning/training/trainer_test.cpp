// The trainer on a model with a closed-form loss: it converges to the known
// solution, a resumed run reproduces an uninterrupted one bit for bit (also
// through a checkpoint file), early stopping keeps the best parameters, and
// checkpoints round-trip exactly; an HSSM with batch normalisation carries its running
// statistics through training, checkpoints and the test evaluation.

#include "learning/training/trainer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "learning/hssm/hamiltonian_ssm.h"
#include "learning/training/toy_sequence_model.h"
#include "learning/training/training_checkpoint.h"

namespace echolab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ToyRegressionDataset;
using testing::ToySequenceModel;

TrainingOptions FastOptions(long steps) {
  return {.adam = {.learning_rate = 0.05},
          .batch_size = 4,
          .steps = steps,
          .eval_every = 10,
          .seed = 21};
}

fs::path TemporaryDirectory(const std::string& name) {
  const fs::path directory = fs::temp_directory_path() / ("echolab_trainer_test_" + name);
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

TEST(Trainer, ConvergesToTheKnownWeights) {
  const SequenceDataset data = ToyRegressionDataset(60, 4);
  ToySequenceModel model(2);
  const Trainer trainer(&model, &data, SplitDataset(60, {}, 2), FastOptions(400));
  const TrainingState state = trainer.Run(trainer.Start(), {});
  EXPECT_NEAR(state.best_parameters[0], 0.7, 1e-2);
  EXPECT_NEAR(state.best_parameters[1], -0.3, 1e-2);
  ASSERT_EQ(state.history.size(), 40u);
  EXPECT_LT(state.history.back().validation_loss, 1e-3 * state.history.front().validation_loss);
  EXPECT_LT(trainer.Test(state).loss, 1e-4);
  EXPECT_EQ(state.history[3].step, 40);
  // 42 training examples in batches of 4: 11 batches per epoch.
  EXPECT_EQ(state.history.back().epoch, 399 / 11);
}

TEST(Trainer, ResumedRunReproducesAnUninterruptedOneBitForBit) {
  const SequenceDataset data = ToyRegressionDataset(40, 8);
  const DatasetSplit split = SplitDataset(40, {}, 5);
  ToySequenceModel uninterrupted_model(2);
  const Trainer uninterrupted(&uninterrupted_model, &data, split, FastOptions(60));
  const TrainingState full = uninterrupted.Run(uninterrupted.Start(), {});

  // Stop after 30 steps, write the checkpoint, continue in a fresh model.
  const fs::path checkpoint = TemporaryDirectory("resume") / "checkpoint.json";
  ToySequenceModel first_model(2);
  const Trainer first(&first_model, &data, split, FastOptions(30));
  SaveCheckpoint(first.Run(first.Start(), {}), checkpoint);
  ToySequenceModel second_model(2);
  const Trainer second(&second_model, &data, split, FastOptions(60));
  const TrainingState resumed = second.Run(LoadCheckpoint(checkpoint), {});

  EXPECT_EQ(resumed.step, full.step);
  EXPECT_EQ(resumed.parameters, full.parameters);
  EXPECT_EQ(resumed.adam.first, full.adam.first);
  EXPECT_EQ(resumed.adam.second, full.adam.second);
  EXPECT_EQ(resumed.best_parameters, full.best_parameters);
  EXPECT_EQ(resumed.sampler.random_state, full.sampler.random_state);
  ASSERT_EQ(resumed.history.size(), full.history.size());
  for (size_t k = 0; k < full.history.size(); ++k) {
    EXPECT_EQ(resumed.history[k].step, full.history[k].step);
    EXPECT_EQ(resumed.history[k].epoch, full.history[k].epoch);
    EXPECT_EQ(resumed.history[k].train_loss, full.history[k].train_loss);
    EXPECT_EQ(resumed.history[k].validation_loss, full.history[k].validation_loss);
  }
}

// Two blocks with batch normalisation on the toy data (8 steps, one target per sequence).
HamiltonianSsm BatchNormSsm() {
  return HamiltonianSsm({.task = SequenceTaskKind::kRegression,
                         .input_channels = 2,
                         .layers = 2,
                         .hidden = 3,
                         .state = 2,
                         .output_step = 8,
                         .batch_norm = true,
                         .batch_norm_momentum = 0.8,
                         .threads = 1});
}

TEST(Trainer, BatchNormRunningStatisticsSurviveACheckpoint) {
  const SequenceDataset data = ToyRegressionDataset(40, 8);
  const DatasetSplit split = SplitDataset(40, {}, 5);
  HamiltonianSsm uninterrupted_model = BatchNormSsm();
  const Trainer uninterrupted(&uninterrupted_model, &data, split, FastOptions(60));
  const TrainingState full = uninterrupted.Run(uninterrupted.Start(), {});
  // the running statistics moved away from their start, mean 0 and variance 1
  ASSERT_EQ(full.model_state.size(), 12);
  EXPECT_GT(full.model_state.head(3).norm(), 1e-3);

  const fs::path checkpoint = TemporaryDirectory("batch_norm") / "checkpoint.json";
  HamiltonianSsm first_model = BatchNormSsm();
  const Trainer first(&first_model, &data, split, FastOptions(30));
  SaveCheckpoint(first.Run(first.Start(), {}), checkpoint);
  HamiltonianSsm second_model = BatchNormSsm();
  const Trainer second(&second_model, &data, split, FastOptions(60));
  const TrainingState resumed = second.Run(LoadCheckpoint(checkpoint), {});
  EXPECT_EQ(resumed.parameters, full.parameters);
  EXPECT_EQ(resumed.model_state, full.model_state);
  EXPECT_EQ(resumed.best_model_state, full.best_model_state);

  // The test set is scored with the best step's running statistics.
  HamiltonianSsm scorer = BatchNormSsm();
  scorer.SetParameters(full.best_parameters);
  scorer.SetState(full.best_model_state);
  std::vector<const SequenceExample*> test;
  for (int index : split.test) test.push_back(&data.examples[static_cast<size_t>(index)]);
  EXPECT_EQ(uninterrupted.Test(full).loss, scorer.Evaluate(test, {}).loss);
  // A checkpoint without running statistics does not fit this model.
  TrainingState stateless = full;
  stateless.model_state = Eigen::VectorXd();
  EXPECT_THAT([&] { uninterrupted.Run(stateless, {}); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("model state")));
}

TEST(Trainer, EarlyStoppingKeepsTheBestParameters) {
  // The negated gradient makes training ascend: the first evaluation stays best.
  const SequenceDataset data = ToyRegressionDataset(30, 3);
  ToySequenceModel model(2, -1.0);
  TrainingOptions options = FastOptions(1000);
  options.patience = 2;
  const Trainer trainer(&model, &data, SplitDataset(30, {}, 1), options);
  std::vector<long> evaluated_at;
  const TrainingState state = trainer.Run(
      trainer.Start(),
      {.after_evaluation = [&](const TrainingState& s) { evaluated_at.push_back(s.step); }});
  EXPECT_TRUE(state.stopped_early);
  EXPECT_EQ(state.step, 30);
  EXPECT_EQ(evaluated_at, (std::vector<long>{10, 20, 30}));
  EXPECT_EQ(state.best_step, 10);
  EXPECT_EQ(state.best_validation_metric, state.history.front().validation_metric);
  EXPECT_GT(state.history.back().validation_metric, state.best_validation_metric);
  // The test metric comes from the best parameters, not the last ones.
  ToySequenceModel reference(2);
  reference.SetParameters(state.best_parameters);
  std::vector<const SequenceExample*> test;
  for (int index : trainer.split().test) test.push_back(&data.examples[index]);
  EXPECT_DOUBLE_EQ(trainer.Test(state).loss, reference.Evaluate(test, {}).loss);
}

TEST(Trainer, RefusesACheckpointOfAnotherModel) {
  const SequenceDataset data = ToyRegressionDataset(20, 3);
  ToySequenceModel model(2), other(3);
  const DatasetSplit split = SplitDataset(20, {}, 1);
  const Trainer trainer(&model, &data, split, FastOptions(10));
  const Trainer other_trainer(&other, &data, split, FastOptions(10));
  EXPECT_THAT([&] { trainer.Run(other_trainer.Start(), {}); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("expected 2 parameters")));
}

TEST(TrainingOptions, ValidateNamesTheBadField) {
  EXPECT_THAT([] { TrainingOptions{.batch_size = 0}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("training.batch")));
  EXPECT_THAT([] { TrainingOptions{.eval_every = 0}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("training.eval_every")));
  EXPECT_THAT([] { TrainingOptions{.patience = -1}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("training.patience")));
  EXPECT_THAT([] { TrainingOptions{.beta = 0.0}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("training.beta")));
}

TEST(TrainingCheckpoint, RoundTripsExactlyAndLeavesNoTemporaryFile) {
  const fs::path directory = TemporaryDirectory("checkpoint");
  TrainingState state;
  state.parameters = Eigen::VectorXd{{0.1, 1.0 / 3.0, -2e-300}};
  state.adam.first = Eigen::VectorXd{{1e-17, 2.0, 3.0}};
  state.adam.second = Eigen::VectorXd{{4.0, 5.0, 6.0 / 7.0}};
  state.adam.steps = 17;
  state.step = 17;
  state.sampler = BatchSampler(5, 2, 3).State();
  state.best_parameters = Eigen::VectorXd{{0.2, 0.3, 0.4}};
  state.model_state = Eigen::VectorXd{{1.0 / 7.0, 2.0}};
  state.best_model_state = Eigen::VectorXd{{3.0, 1e-310}};
  state.best_validation_metric = 0.123456789012345678;
  state.best_step = 10;
  state.evaluations_without_improvement = 1;
  state.wall_time_s = 2.5;
  state.history.push_back({.step = 10,
                           .epoch = 2,
                           .train_loss = 0.7,
                           .validation_loss = 1.0 / 9.0,
                           .validation_metric = 0.5,
                           .wall_time_s = 1.25});
  SaveCheckpoint(state, directory / "checkpoint.json");
  const TrainingState loaded = LoadCheckpoint(directory / "checkpoint.json");
  EXPECT_EQ(loaded.parameters, state.parameters);
  EXPECT_EQ(loaded.adam.first, state.adam.first);
  EXPECT_EQ(loaded.adam.second, state.adam.second);
  EXPECT_EQ(loaded.model_state, state.model_state);
  EXPECT_EQ(loaded.best_model_state, state.best_model_state);
  EXPECT_EQ(loaded.adam.steps, 17);
  EXPECT_EQ(loaded.sampler.order, state.sampler.order);
  EXPECT_EQ(loaded.sampler.random_state, state.sampler.random_state);
  EXPECT_EQ(loaded.best_validation_metric, state.best_validation_metric);
  EXPECT_EQ(loaded.history[0].validation_loss, 1.0 / 9.0);
  EXPECT_EQ(std::distance(fs::directory_iterator(directory), fs::directory_iterator()), 1);
}

TEST(TrainingCheckpoint, MalformedFilesAreNamed) {
  const fs::path path = TemporaryDirectory("malformed") / "checkpoint.json";
  std::ofstream(path) << "{\"format\": 1, \"step\": 3}\n";
  EXPECT_THAT([&] { LoadCheckpoint(path); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("checkpoint.json: not a training")));
  EXPECT_THAT([&] { LoadCheckpoint(path.parent_path() / "absent.json"); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("cannot open")));
}

}  // namespace
}  // namespace echolab
