// `echolab sweep`: one row per point, and an interrupted sweep resumes to
// exactly the rows of an uninterrupted one.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sims/command_line.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::RunEcholab;
using echolab::testing::RunShell;
using ::testing::HasSubstr;

constexpr const char* kConfig = R"(
[model]
type = "paper_six_oscillators"
[[input]]
waveform = "sine"
amplitude = 0.5
frequency_Hz = 0.2
[initial_state]
q = [0.2, 0.0, -0.1, 0.0, 0.1, 0.0]
[simulation]
duration_s = 8.0
[integrator]
scheme = "leapfrog"
step_s = 0.005
[loss]
readout = "position"
dof = [4]
[sweep]
beta = [0.001, 0.01, 0.1, 0.3]
decay_rate_per_s = [0.001, 0.01, 0.1]
thermal_energy_J = [0.0, 1e-6]
echo_damping = ["naive", "gain_reweighted"]
seeds = [1, 2, 3, 4]
)";

// The rows of a results file without their timing column, as a set.
std::set<std::string> RowsWithoutTiming(const fs::path& csv) {
  std::ifstream stream(csv);
  std::set<std::string> rows;
  std::string line;
  std::getline(stream, line);
  while (std::getline(stream, line)) rows.insert(line.substr(0, line.rfind(',')));
  return rows;
}

long CountLines(const fs::path& csv) {
  std::ifstream stream(csv);
  long lines = 0;
  for (std::string line; std::getline(stream, line);) ++lines;
  return lines;
}

class SweepCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::ScratchDirectory(
                 ("echolab_sweep_" +
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    config_ = (directory_ / "sweep.toml").string();
    std::ofstream(config_) << kConfig;
  }
  void TearDown() override { fs::remove_all(directory_.parent_path()); }

  std::string Sweep(const fs::path& out) const {
    return fmt::format("sweep {} -q --no-plot -j 2 -o {}", config_, out.string());
  }

  fs::path directory_;
  std::string config_;
};

TEST_F(SweepCommand, KilledAndRestartedEndsWithTheRowsOfAnUninterruptedRun) {
  const fs::path whole = directory_ / "whole";
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(RunEcholab(Sweep(whole)).exit_code, 0);
  const double full_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // 4 betas × 3 rates × (2 noise-free variants + 4 noisy seeds) = 72 points.
  EXPECT_EQ(CountLines(whole / "results.csv"), 1 + 72);

  const fs::path resumed = directory_ / "resumed";
  // SIGKILL part-way through: no chance to tidy up.
  RunShell(fmt::format("timeout -s KILL {:.3f} {} {} 2>&1", 0.4 * full_s, ECHOLAB_BINARY,
                       Sweep(resumed)));
  const long rows_before = CountLines(resumed / "results.csv") - 1;
  std::cout << fmt::format("killed after {:.2f} s with {} of 72 rows written\n", 0.4 * full_s,
                           rows_before);
  ASSERT_EQ(RunEcholab(Sweep(resumed)).exit_code, 0);
  EXPECT_EQ(CountLines(resumed / "results.csv"), 1 + 72);
  EXPECT_EQ(RowsWithoutTiming(resumed / "results.csv"), RowsWithoutTiming(whole / "results.csv"));
}

TEST_F(SweepCommand, APartialLastRowIsDroppedAndRecomputed) {
  const fs::path whole = directory_ / "whole";
  ASSERT_EQ(RunEcholab(Sweep(whole)).exit_code, 0);
  const fs::path cut = directory_ / "cut";
  fs::create_directories(cut);
  {
    std::ifstream source(whole / "results.csv");
    std::ofstream target(cut / "results.csv");
    std::string line;
    for (int k = 0; k < 11 && std::getline(source, line); ++k) target << line << "\n";
    std::getline(source, line);
    target << line.substr(0, line.size() / 2);  // an interrupted write
  }
  ASSERT_EQ(RunEcholab(Sweep(cut)).exit_code, 0);
  EXPECT_EQ(CountLines(cut / "results.csv"), 1 + 72);
  EXPECT_EQ(RowsWithoutTiming(cut / "results.csv"), RowsWithoutTiming(whole / "results.csv"));
}

TEST_F(SweepCommand, RefusesAForeignResultsFileAndBadKnobs) {
  const fs::path foreign = directory_ / "foreign";
  fs::create_directories(foreign);
  std::ofstream(foreign / "results.csv") << "t_s,q_1\n0,1\n";
  const auto result = RunEcholab(Sweep(foreign));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("not the results of a sweep"));

  std::string text = kConfig;
  text.replace(text.find("beta = [0.001"), 13, "beta = [-0.001");
  std::ofstream(config_) << text;
  const auto bad = RunEcholab(Sweep(directory_ / "bad"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("sweep.beta"));
}

// The read-out, jitter and non-uniform damping knobs: one row per point, and
// the reweighted gain echo, exact for uniform damping, degrades as the decay
// rates spread about the same mean.
TEST_F(SweepCommand, SweepsReadoutJitterAndNonUniformDamping) {
  std::string text = kConfig;
  text = text.substr(0, text.find("[sweep]")) + R"([sweep]
beta = [0.001]
decay_rate_per_s = [0.1]
decay_rate_spread = [0.0, 0.3, 0.9]
echo_damping = ["gain_reweighted"]
input_time_jitter_s = [0.0, 0.001]
readout_noise_relative = [0.0, 0.0001]
readout_bits = [0, 16]
seeds = [1, 2]
)";
  std::ofstream(config_) << text;
  const fs::path out = directory_ / "knobs";
  const auto result = RunEcholab(Sweep(out));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // 3 spreads × 2 bits × (1 ideal point + 3 random combinations × 2 seeds).
  EXPECT_EQ(CountLines(out / "results.csv"), 1 + 3 * 2 * (1 + 3 * 2));
  std::ifstream stream(out / "results.csv");
  std::string line;
  std::getline(stream, line);
  const auto column = [&](const std::string& name) {
    const std::string header = "," + line + ",";
    const size_t at = header.find("," + name + ",");
    return std::count(header.begin(), header.begin() + static_cast<long>(at), ',');
  };
  const long spread_column = column("decay_rate_spread"), error_column = column("relative_error");
  const long jitter_column = column("input_time_jitter_s"), bits_column = column("readout_bits");
  const long noise_column = column("readout_noise_relative");
  std::vector<std::pair<double, double>> ideal;  // (spread, error) without other knobs
  while (std::getline(stream, line)) {
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
    if (std::stod(fields[jitter_column]) == 0.0 && std::stod(fields[noise_column]) == 0.0 &&
        fields[bits_column] == "0") {
      ideal.emplace_back(std::stod(fields[spread_column]), std::stod(fields[error_column]));
    }
  }
  ASSERT_EQ(ideal.size(), 3u);
  std::sort(ideal.begin(), ideal.end());
  std::cout << fmt::format(
      "reweighted gain echo: error {:.2e}, {:.2e}, {:.2e} at spread 0, 0.3, 0.9\n", ideal[0].second,
      ideal[1].second, ideal[2].second);
  EXPECT_LT(ideal[0].second, 3e-5);
  EXPECT_GT(ideal[1].second, 100.0 * ideal[0].second);
  EXPECT_GT(ideal[2].second, ideal[1].second);
}

}  // namespace
