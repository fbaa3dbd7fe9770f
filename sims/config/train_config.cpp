#include "sims/config/train_config.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {
namespace {

std::int64_t PositiveInteger(const ConfigTable& table, std::string_view key,
                             std::int64_t fallback) {
  return table.IntegerIn(key, 1, 1'000'000'000, fallback);
}

AdamOptions ReadAdam(const ConfigTable& t) {
  const std::string optimizer = t.String("optimizer", "adam");
  if (optimizer != "adam") t.Fail("optimizer", fmt::format("expected adam, got '{}'", optimizer));
  const AdamOptions defaults;
  const AdamOptions adam{.learning_rate = t.PositiveNumber("lr", defaults.learning_rate),
                         .beta1 = t.Number("beta1", defaults.beta1),
                         .beta2 = t.Number("beta2", defaults.beta2),
                         .epsilon = t.PositiveNumber("epsilon", defaults.epsilon)};
  if (!(adam.beta1 >= 0.0 && adam.beta1 < 1.0)) t.Fail("beta1", "expected a number in [0, 1)");
  if (!(adam.beta2 >= 0.0 && adam.beta2 < 1.0)) t.Fail("beta2", "expected a number in [0, 1)");
  return adam;
}

SplitFractions ReadSplit(const ConfigTable& t) {
  if (!t.Has("split")) return {};
  const Vector fractions = t.NumberArray("split");
  if (fractions.size() != 3 || (fractions.array() <= 0.0).any() ||
      std::abs(fractions.sum() - 1.0) > 1e-9) {
    t.Fail("split", "expected three positive fractions [train, validation, test] summing to 1");
  }
  return {.train = fractions[0], .validation = fractions[1]};
}

void ReadTraining(const ConfigTable& t, SequenceGradientRule rule, TrainConfig* config) {
  t.RejectUnknownKeys({"optimizer", "lr", "beta1", "beta2", "epsilon", "batch", "steps",
                       "eval_every", "patience", "seed", "beta", "split", "split_seed",
                       "recurrent_lr"});
  TrainingOptions& o = config->options;
  o.adam = ReadAdam(t);
  o.batch_size = static_cast<int>(PositiveInteger(t, "batch", o.batch_size));
  o.steps = PositiveInteger(t, "steps", o.steps);
  o.eval_every = PositiveInteger(t, "eval_every", o.eval_every);
  o.patience = static_cast<int>(t.IntegerIn("patience", 0, 1'000'000'000, o.patience));
  o.seed = t.Seed("seed", o.seed);
  o.beta = t.PositiveNumber("beta", o.beta);
  if (t.Has("recurrent_lr")) o.recurrent_learning_rate = t.PositiveNumber("recurrent_lr");
  o.rule = rule;
  config->split = ReadSplit(t);
  config->split_seed = t.Seed("split_seed", o.seed);
}

}  // namespace

TrainConfig ParseTrainConfig(const ConfigTable& root, SequenceGradientRule rule,
                             std::optional<std::uint64_t> seed) {
  root.RejectUnknownKeys({"task", "model", "training"});
  TrainConfig config;
  config.source_file = root.file();
  config.task = BuildTask(root.Table("task"));
  config.model = BuildSequenceModel(root.Table("model"), config.task, seed);
  ReadTraining(root.Table("training"), rule, &config);
  if (seed) config.options.seed = *seed;
  const int examples = static_cast<int>(config.task.dataset.examples.size());
  try {
    config.subsets = SplitDataset(examples, config.split, config.split_seed);
  } catch (const InputError& error) {
    root.Table("training").Fail("split", error.what());
  }
  return config;
}

TrainConfig LoadTrainConfig(const std::string& path, SequenceGradientRule rule,
                            std::optional<std::uint64_t> seed) {
  return ParseTrainConfig(ConfigTable::ParseFile(path), rule, seed);
}

}  // namespace echolab
