// `echolab gradcheck` and `echolab validate` as a user runs them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sims/command_line.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::RunEcholab;
using ::testing::HasSubstr;

constexpr const char* kConfig = R"(
[model]
type = "oscillator_network"
num_oscillators = 3
masses_kg = [1.0, 1.5, 0.8]
driven = [1]
[model.onsite]
law = "quartic"
k = 1.0
b = 0.2
[model.coupling]
law = "harmonic"
k = 0.4
[[input]]
waveform = "sine"
amplitude = 0.4
frequency_Hz = 0.2
[initial_state]
q = [0.3, 0.0, -0.2]
[simulation]
duration_s = 5.0
[integrator]
scheme = "yoshida4"
step_s = 0.005
rtol = 1e-11
atol = 1e-13
[loss]
readout = "position"
dof = [3]
[[loss.target]]
waveform = "sine"
amplitude = 0.2
frequency_Hz = 0.1
[gradcheck]
methods = ["echo", "adjoint", "fd"]
beta = 1e-4
)";

class CommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::ScratchDirectory(
                 ("echolab_gradcheck_" +
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_.parent_path()); }

  std::string WriteConfig(const std::string& text) {
    const fs::path path = directory_ / "check.toml";
    std::ofstream(path) << text;
    return path.string();
  }

  fs::path directory_;
};

TEST_F(CommandTest, GradcheckPrintsJsonWithEveryMethod) {
  const fs::path out = directory_ / "out";
  const auto result =
      RunEcholab("gradcheck " + WriteConfig(kConfig) + " --json -o " + out.string(), false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  ASSERT_EQ(json["parameters"].size(), 3u + 3u + 3u + 2u);  // m, k, b, couplings
  EXPECT_EQ(json["parameters"][0], "m_1");
  EXPECT_GT(json["loss"].get<double>(), 0.0);
  for (const char* method : {"echo", "adjoint", "fd"}) {
    EXPECT_EQ(json["gradients"][method].size(), 11u) << method;
    EXPECT_EQ(json["status"][method], "success");
  }
  // Errors against the adjoint: the echo's O(β²) and the fourth-order
  // discretisation are both far below 1e-6 here.
  EXPECT_LT(json["relative_errors"]["echo"].get<double>(), 1e-6);
  EXPECT_LT(json["relative_errors"]["fd"].get<double>(), 1e-6);
  EXPECT_GT(json["cosine_similarities"]["echo"].get<double>(), 0.999999);
  EXPECT_TRUE(fs::exists(out / "gradcheck.json"));
}

TEST_F(CommandTest, GradcheckPrintsATable) {
  const auto result =
      RunEcholab("gradcheck " + WriteConfig(kConfig) + " -o " + (directory_ / "out").string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("rel. error"));
  EXPECT_THAT(result.output, HasSubstr("k_1_2"));
}

TEST_F(CommandTest, GradcheckRejectsABadLossAndWritesNothing) {
  std::string text = kConfig;
  text.replace(text.find("dof = [3]"), 9, "dof = [7]");
  const fs::path out = directory_ / "out";
  const auto result = RunEcholab("gradcheck " + WriteConfig(text) + " -o " + out.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("loss.dof"));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CommandTest, GradcheckRejectsMethodsTheSchemeCannotRun) {
  std::string text = kConfig;
  text.replace(text.find("\"yoshida4\""), 10, "\"arkode_dopri5\"");
  const auto result = RunEcholab("gradcheck " + WriteConfig(text));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("gradcheck.methods"));
}

TEST_F(CommandTest, ValidateWritesTheReportAndPasses) {
  const fs::path out = directory_ / "validate";
  const auto result = RunEcholab("validate -q -o " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  for (const char* stem : {"lambda_six_oscillators", "beta_nonlinear_chain",
                           "integrators_six_oscillators", "parameters_six_oscillators"}) {
    EXPECT_TRUE(fs::exists(out / (std::string(stem) + ".png"))) << stem;
    EXPECT_TRUE(fs::exists(out / (std::string(stem) + ".csv"))) << stem;
  }
  std::ifstream summary_file(out / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(summary_file);
  EXPECT_TRUE(summary["all_passed"].get<bool>());
}

}  // namespace
