// `echolab simulate` as a user runs it: exit codes, messages, and output
// files that appear whole or not at all.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sims/command_line.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using echolab::testing::CommandResult;
using echolab::testing::RunEcholab;

class SimulateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::ScratchDirectory(
                 ("echolab_cli_" +
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_.parent_path()); }

  std::string WriteConfig(const std::string& text) {
    const fs::path path = directory_ / "run.toml";
    std::ofstream(path) << text;
    return path.string();
  }
  fs::path OutputDir() const { return directory_ / "out"; }

  fs::path directory_;
};

constexpr const char* kValid = R"(
[model]
type = "oscillator_network"
num_oscillators = 2
[model.onsite]
law = "harmonic"
k = 1.0
[model.coupling]
law = "harmonic"
k = 0.2
[initial_state]
q = [1.0, 0.0]
[simulation]
duration_s = 5.0
[integrator]
scheme = "leapfrog"
step_s = 0.01
output_interval_s = 0.1
)";

TEST_F(SimulateCommand, WritesCsvMetadataAndPlot) {
  const CommandResult result =
      RunEcholab("simulate " + WriteConfig(kValid) + " -o " + OutputDir().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* file : {"trajectory.csv", "energy.csv", "meta.json", "simulation.png"}) {
    EXPECT_TRUE(fs::exists(OutputDir() / file)) << file;
  }
  std::ifstream csv(OutputDir() / "trajectory.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "t_s,q_1,q_2,p_1,p_2");
  int rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 51);  // t = 0, 0.1, ..., 5 s
  // Nothing but the destination is left in the parent directory.
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory_)) ++entries;
  EXPECT_EQ(entries, 2);  // run.toml and out/
}

TEST_F(SimulateCommand, MalformedConfigExitsTwoAndWritesNothing) {
  const std::string config = WriteConfig("[model\ntype = 3\n");
  const CommandResult result = RunEcholab("simulate " + config + " -o " + OutputDir().string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("run.toml:1:"));
  EXPECT_FALSE(fs::exists(OutputDir()));
}

TEST_F(SimulateCommand, BadFieldExitsTwoAndNamesIt) {
  std::string text = kValid;
  text.replace(text.find("step_s = 0.01"), 13, "step_s = 0.0");
  const CommandResult result =
      RunEcholab("simulate " + WriteConfig(text) + " -o " + OutputDir().string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("integrator.step_s"));
  EXPECT_FALSE(fs::exists(OutputDir()));
}

TEST_F(SimulateCommand, UnstableRunExitsOneAndWritesNothing) {
  std::string text = kValid;
  text.replace(text.find("k = 1.0"), 7, "k = -40000.0");
  const CommandResult result =
      RunEcholab("simulate " + WriteConfig(text) + " -o " + OutputDir().string());
  EXPECT_EQ(result.exit_code, 1);
  // The stability guard stops the run long before the state overflows.
  EXPECT_THAT(result.output, HasSubstr("energy growth"));
  EXPECT_THAT(result.output, HasSubstr("the largest component is"));
  EXPECT_FALSE(fs::exists(OutputDir()));
}

TEST_F(SimulateCommand, MissingFileAndUnknownOptionExitTwo) {
  EXPECT_EQ(RunEcholab("simulate " + (directory_ / "absent.toml").string()).exit_code, 2);
  EXPECT_EQ(RunEcholab("simulate " + WriteConfig(kValid) + " --bogus").exit_code, 2);
  EXPECT_EQ(RunEcholab("").exit_code, 2);
}

}  // namespace
