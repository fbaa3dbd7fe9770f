// The configurations of sims/configs/paper/ (the RHEL paper's Table 1) load and run one
// gradient on tiny .ts files written here in place of the UEA data; `echolab train` runs
// the UEA protocol (merge, deduplicate, time channel, split) end to end, with the authors'
// batch normalisation, whose running statistics the checkpoint keeps.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sims/command_line.h"
#include "sims/config/train_config.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::RunEcholab;
using echolab::testing::ScratchDirectory;

// A .ts file of `count` sequences of 12 steps and 2 channels, classes a and b; sequence i
// is a ramp of slope `first + i`, so that two files share a sequence where their ranges
// of `first + i` overlap.
void WriteTsFile(const fs::path& path, int first, int count) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path);
  out << "@problemName tiny\n@timeStamps false\n@univariate false\n@dimensions 2\n"
         "@equalLength true\n@seriesLength 12\n@classLabel true a b\n@data\n";
  for (int i = 0; i < count; ++i) {
    const int slope = first + i;
    for (int channel = 0; channel < 2; ++channel) {
      for (int k = 0; k < 12; ++k) out << (k ? "," : "") << 0.1 * slope * k + channel;
      out << ":";
    }
    out << (slope % 2 ? "b" : "a") << "\n";
  }
}

// Copies the configuration into a scratch tree and writes the TRAIN file (6 sequences)
// and TEST file (4 sequences, the first a repeat of the TRAIN file's last) it names.
fs::path StageConfig(const fs::path& source) {
  const fs::path root = ScratchDirectory("paper_configs") / source.stem();
  const fs::path config = root / "sims/configs/paper" / source.filename();
  fs::create_directories(config.parent_path());
  fs::copy_file(source, config, fs::copy_options::overwrite_existing);
  const auto files = echolab::ConfigTable::ParseFile(config.string())
                         .Table("task")
                         .StringArray("files");
  EXPECT_EQ(files.size(), 2u);
  WriteTsFile(config.parent_path() / files.at(0), 0, 6);
  WriteTsFile(config.parent_path() / files.at(1), 5, 4);
  return config;
}

TEST(PaperConfigs, EveryConfigurationLoadsTheUeaProtocolAndRunsAGradient) {
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(ECHOLAB_SOURCE_DIR) / "sims/configs/paper")) {
    if (entry.path().extension() != ".toml") continue;
    ++seen;
    SCOPED_TRACE(entry.path().filename().string());
    const fs::path config = StageConfig(entry.path());
    const echolab::TrainConfig loaded =
        echolab::LoadTrainConfig(config.string(), echolab::SequenceGradientRule::kRhel);
    const auto& data = loaded.task.dataset;
    // 6 + 4 sequences, one of them a repeat.
    EXPECT_EQ(data.examples.size(), 9u);
    const bool time_channel =
        echolab::ConfigTable::ParseFile(config.string()).Table("task").Boolean("time_channel", false);
    EXPECT_EQ(data.input_channels, time_channel ? 3 : 2);
    EXPECT_EQ(loaded.options.beta, 0.1);
    EXPECT_EQ(loaded.subsets.train.size() + loaded.subsets.validation.size() +
                  loaded.subsets.test.size(),
              9u);
    std::vector<const echolab::SequenceExample*> batch{&data.examples[0], &data.examples[1]};
    const auto evaluation = loaded.model.model->Evaluate(
        batch, {.compute_gradient = true, .rule = echolab::SequenceGradientRule::kRhel, .beta = 0.1});
    EXPECT_TRUE(std::isfinite(evaluation.gradient.norm()));
    EXPECT_GT(evaluation.gradient.norm(), 0.0);
  }
  EXPECT_EQ(seen, 12);
}

TEST(PaperConfigs, TrainRunsTheUeaProtocolEndToEnd) {
  const fs::path root = ScratchDirectory("paper_configs") / "end_to_end";
  WriteTsFile(root / "tiny_TRAIN.ts", 0, 10);
  WriteTsFile(root / "tiny_TEST.ts", 8, 6);  // two repeats
  const fs::path config = root / "tiny.toml";
  std::ofstream(config) << R"([task]
kind = "ts_file"
files = ["tiny_TRAIN.ts", "tiny_TEST.ts"]
deduplicate = true
time_channel = true

[model]
kind = "hssm"
unit = "logcosh"
layers = 1
hidden = 4
state = 3
step = 1e-4
c_init = "symmetric"
batch_norm = true
batch_norm_momentum = 0.5

[training]
batch = 2
steps = 3
eval_every = 3
split = [0.7, 0.15, 0.15]
split_seed = 4
)";
  const fs::path out = root / "run";
  const auto result = RunEcholab(fmt::format("train {} --grad rhel -o {} -q --no-plot --force",
                                             config.string(), out.string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream summary_file(out / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  const nlohmann::json& examples = summary["examples"];
  EXPECT_EQ(examples["train"].get<int>() + examples["validation"].get<int>() +
                examples["test"].get<int>(),
            14);
  std::ifstream checkpoint_file(out / "checkpoint.json");
  const nlohmann::json checkpoint = nlohmann::json::parse(checkpoint_file);
  // mean and variance of 4 channels, one block
  ASSERT_EQ(checkpoint["model_state"].size(), 8u);
  EXPECT_EQ(checkpoint["best_model_state"].size(), 8u);
  EXPECT_NE(checkpoint["model_state"][0].get<double>(), 0.0);
}

// `echolab train` on `toml` (beside a .ts file a.ts) exits with 2 before writing anything,
// naming the file and `expected`.
void ExpectTrainRejects(const std::string& name, const std::string& toml,
                        const std::string& expected) {
  const fs::path root = ScratchDirectory("paper_configs") / name;
  WriteTsFile(root / "a.ts", 0, 6);
  const fs::path config = root / (name + ".toml");
  std::ofstream(config) << toml;
  const auto result = RunEcholab(fmt::format("train {} --grad rhel -o {} -q", config.string(),
                                             (root / "run").string()));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, ::testing::HasSubstr(name + ".toml"));
  EXPECT_THAT(result.output, ::testing::HasSubstr(expected));
  EXPECT_FALSE(fs::exists(root / "run"));
}

TEST(PaperConfigs, BatchNormMomentumOutsideItsRangeIsAnInputError) {
  ExpectTrainRejects("momentum",
                     "[task]\nkind = \"ts_file\"\nfile = \"a.ts\"\n"
                     "[model]\nkind = \"hssm\"\nbatch_norm = true\n"
                     "batch_norm_momentum = 1.5\n[training]\nsteps = 1\n",
                     "batch_norm_momentum");
}

TEST(PaperConfigs, FileAndFilesTogetherIsAnInputError) {
  ExpectTrainRejects("both",
                     "[task]\nkind = \"ts_file\"\nfile = \"a.ts\"\nfiles = [\"a.ts\"]\n"
                     "[model]\nkind = \"hssm\"\n[training]\nsteps = 1\n",
                     "exactly one of file");
}

}  // namespace
