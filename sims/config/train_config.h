#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "learning/training/dataset_split.h"
#include "learning/training/trainer.h"
#include "sims/config/sequence_model_factory.h"
#include "sims/config/task_config.h"

namespace echolab {

/// `echolab train`: the data ([task]), the model ([model]) and how to train
/// it ([training]: optimizer = "adam", lr, beta1, beta2, epsilon, batch,
/// steps, eval_every, patience, seed, beta, split = [train, validation, test],
/// split_seed, recurrent_lr). The gradient rule comes from the command line.
struct TrainConfig {
  std::string source_file;
  TaskData task;
  BuiltSequenceModel model;
  TrainingOptions options;
  SplitFractions split;
  std::uint64_t split_seed = 1;
  DatasetSplit subsets;  // the examples of each subset, from split and split_seed
};

/// Reads and checks a configuration file; every error is an InputError that
/// names the file, line and key. `seed`, when given, replaces the seeds of
/// [model] (the initialisation) and [training] (the order of the batches);
/// the data and its split stay those of the file.
TrainConfig LoadTrainConfig(const std::string& path, SequenceGradientRule rule,
                            std::optional<std::uint64_t> seed = std::nullopt);
TrainConfig ParseTrainConfig(const ConfigTable& root, SequenceGradientRule rule,
                             std::optional<std::uint64_t> seed = std::nullopt);

}  // namespace echolab
