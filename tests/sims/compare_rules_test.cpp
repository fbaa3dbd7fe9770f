// scripts/compare_rules.sh as a user runs it: -h, progress lines, paths
// relative to the folder it is called from, and the comparison it writes.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sims/command_line.h"
#include "sims/train_test_config.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using echolab::testing::RunShell;

class CompareRules : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::ScratchDirectory("echolab_compare_rules");
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    // Trained for 10 steps.
    std::ofstream(directory_ / "tiny.toml") << fmt::format(
        fmt::runtime(echolab::testing::kTrainConfig), fmt::arg("lr", 0.1), fmt::arg("steps", 10));
  }
  void TearDown() override { fs::remove_all(directory_.parent_path()); }

  // Runs the script from `directory_` (stdout and stderr merged).
  echolab::testing::CommandResult Run(const std::string& arguments) const {
    return RunShell("cd " + directory_.string() + " && ECHOLAB=" + ECHOLAB_BINARY + " " +
                    ECHOLAB_SOURCE_DIR + "/scripts/compare_rules.sh " + arguments + " 2>&1");
  }

  fs::path directory_;
};

TEST_F(CompareRules, HelpAndBadArguments) {
  const auto help = Run("-h");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("Usage: scripts/compare_rules.sh"));
  EXPECT_THAT(help.output, HasSubstr("-f FORMAT"));
  EXPECT_EQ(Run("").exit_code, 2);
  const auto bad_format = Run("-f gif tiny.toml");
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_THAT(bad_format.output, HasSubstr("expected png, svg or pdf"));
}

TEST_F(CompareRules, RunsFromTheCallersFolderWithProgress) {
  const auto result = Run("-s 1 -j 2 -o comparison -f svg tiny.toml");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("[1/2] started comparison/tiny/rhel_seed1"));
  EXPECT_THAT(result.output, HasSubstr("[2/2] finished comparison/tiny/bptt_seed1"));
  EXPECT_THAT(result.output, HasSubstr("all 2 runs done"));
  for (const char* file : {"comparison.csv", "comparison.md", "curves_tiny.svg",
                           "tiny/rhel_seed1/summary.json", "tiny/bptt_seed1/summary.json"}) {
    EXPECT_TRUE(fs::exists(directory_ / "comparison" / file)) << file;
  }
  // Finished runs are not redone.
  EXPECT_THAT(Run("-s 1 -o comparison tiny.toml").output, HasSubstr("is done already"));
}

}  // namespace
