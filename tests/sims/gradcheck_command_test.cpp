// `echolab gradcheck` and `echolab validate` as a user runs them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sims/build_info.h"
#include "sims/command_line.h"
#include "sims/report_images.h"
#include "sims/three_oscillators.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::RunEcholab;
using ::testing::HasSubstr;

const std::string kConfig = "\n" + std::string(echolab::testing::kThreeOscillators) + R"([simulation]
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

// The hardware cost of every method in the JSON, with the device's flip and
// reset times: T = 5 s, 3 passes, 2 flips and 1 reset for the echo.
TEST_F(CommandTest, GradcheckReportsWhatEachMethodCostsTheHardware) {
  std::string text = kConfig;
  text += "flip_time_s = 0.25\nreset_time_s = 2.0\n";
  const auto result = RunEcholab(
      "gradcheck " + WriteConfig(text) + " --json -o " + (directory_ / "out").string(), false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json cost = nlohmann::json::parse(result.output)["hardware_cost"];
  const nlohmann::json& echo = cost["echo"];
  EXPECT_EQ(echo["hardware_passes"], 3);
  EXPECT_DOUBLE_EQ(echo["physical_time_s"].get<double>(), 3 * 5.0 + 2 * 0.25 + 2.0);
  // yoshida4: 3 kicks per step, 1,000 steps, two echoes.
  EXPECT_EQ(echo["readout"]["samples_per_parameter"], 2 * 3 * 1000);
  EXPECT_EQ(echo["readout"]["max_abs_integrand"].size(), 11u);
  // Driven from rest with an initial displacement: the inputs do work.
  EXPECT_NE(echo["energy_J"]["input_work"].get<double>(), 0.0);
  EXPECT_LT(std::abs(echo["energy_J"]["balance_error"].get<double>()),
            1e-6 * std::abs(echo["energy_J"]["input_work"].get<double>()));
  EXPECT_TRUE(cost["adjoint"]["energy_J"].is_null());
  EXPECT_GT(cost["adjoint"]["digital"]["flops"].get<double>(), 0.0);
  EXPECT_EQ(cost["fd"]["resets"], cost["fd"]["hardware_passes"]);
}

TEST_F(CommandTest, GradcheckRefusesANegativeFlipTime) {
  std::string text = kConfig;
  text += "flip_time_s = -1.0\n";
  const auto result =
      RunEcholab("gradcheck " + WriteConfig(text) + " -o " + (directory_ / "out").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("flip_time_s"));
  EXPECT_FALSE(fs::exists(directory_ / "out"));
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

// The kConfig problem without its [gradcheck] table (all default methods),
// with `extra` appended.
std::string DefaultMethodsConfig(const std::string& extra) {
  std::string text = kConfig;
  text.erase(text.find("[gradcheck]"));
  return text + extra;
}

// echo_damping = "gain_reweighted" alone: the default methods are those that
// run with it (not echo_one_sided), and the reweighted echo matches the
// adjoint of the damped pass; asking for echo_one_sided with it is refused
// with the file:line of the key and the fix.
TEST_F(CommandTest, DefaultMethodsAreThoseThatRunWithTheEchoDamping) {
  const std::string damped = "[dissipation]\nmomentum_decay_rate_per_s = 0.05\n";
  const auto result =
      RunEcholab("gradcheck " +
                     WriteConfig(DefaultMethodsConfig(damped + "[gradcheck]\necho_damping = "
                                                               "\"gain_reweighted\"\n")) +
                     " --json -o " + (directory_ / "out").string(),
                 false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  EXPECT_FALSE(json["gradients"].contains("echo_one_sided"));
  for (const char* method : {"echo", "adjoint", "discrete_adjoint", "fd"}) {
    EXPECT_TRUE(json["gradients"].contains(method)) << method;
  }
  std::cout << "reweighted gain echo vs adjoint of the damped pass: "
            << json["relative_errors"]["echo"].get<double>() << "\n";
  EXPECT_FALSE(json.contains("warnings"));

  const auto refused =
      RunEcholab("gradcheck " +
                 WriteConfig(DefaultMethodsConfig(
                     damped + "[gradcheck]\nmethods = [\"echo_one_sided\", \"adjoint\"]\n"
                              "echo_damping = \"gain_reweighted\"\nreference = \"adjoint\"\n")));
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.output, HasSubstr("check.toml:"));
  EXPECT_THAT(refused.output, HasSubstr("gradcheck.methods"));
  EXPECT_THAT(refused.output, HasSubstr("remove it from methods"));
}

// At the configuration defaults (leapfrog, 0.01 s) the echo's distance from
// the adjoint is the step's discretisation error: the table says so, with
// the discretisation (discrete adjoint vs adjoint) and the echo's own error
// (echo vs discrete adjoint) computed from the methods run.
TEST_F(CommandTest, TableSeparatesDiscretisationFromTheEchosOwnError) {
  std::string text = DefaultMethodsConfig("");
  const std::string yoshida = "scheme = \"yoshida4\"\nstep_s = 0.005\n";
  text.erase(text.find(yoshida), yoshida.size());
  const auto result = RunEcholab(
      "gradcheck " + WriteConfig(text) + " --json -o " + (directory_ / "out").string(), false);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = nlohmann::json::parse(result.output);
  const double echo_vs_adjoint = json["relative_errors"]["echo"].get<double>();
  const double discretisation = json["relative_errors"]["discrete_adjoint"].get<double>();
  std::cout << "leapfrog 0.01 s: echo vs adjoint " << echo_vs_adjoint << "; footnotes:\n";
  for (const auto& note : json["footnotes"]) std::cout << "  " << note.get<std::string>() << "\n";
  ASSERT_GE(json["footnotes"].size(), 3u);
  EXPECT_THAT(json["footnotes"][0].get<std::string>(),
              HasSubstr("discretisation of the step (discrete_adjoint vs adjoint)"));
  EXPECT_THAT(json["footnotes"][1].get<std::string>(), HasSubstr("echo's own error"));
  // The echo's distance from the adjoint is nearly all discretisation.
  EXPECT_NEAR(echo_vs_adjoint, discretisation, 1e-3 * discretisation);

  const auto table =
      RunEcholab("gradcheck " + WriteConfig(text) + " -o " + (directory_ / "table").string());
  EXPECT_THAT(table.output, HasSubstr("discretisation of the step"));
  EXPECT_THAT(table.output, HasSubstr("sign agree"));
}

TEST_F(CommandTest, ValidateWritesTheReportAndPasses) {
  const fs::path out = directory_ / "validate";
  const auto result = RunEcholab("validate -q -o " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::exists(out / "summary.json"));
  // Self-contained: every check's figure and the robustness heat maps are
  // embedded, and the report loads no other file.
  const std::string report = echolab::testing::ReadWholeFile(out / "report.html");
  const std::vector<std::string> images = echolab::testing::ImageSources(report);
  EXPECT_EQ(images.size(), 13u);  // twelve checks and the robustness heat maps
  for (const std::string& source : images) {
    EXPECT_EQ(source.rfind("data:image/png;base64,", 0), 0u) << source.substr(0, 60);
  }
  EXPECT_EQ(echolab::testing::ExternalReferences(report), std::vector<std::string>{});
  EXPECT_THAT(report, HasSubstr(echolab::kGitCommit));
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
