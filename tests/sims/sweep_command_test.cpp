// `echolab sweep`: one row per point, and an interrupted sweep resumes to
// exactly the rows of an uninterrupted one.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sims/command_line.h"
#include "sims/sweep_results.h"
#include "sims/sweep_test_problem.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::CountLines;
using echolab::testing::RowsWithoutTiming;
using echolab::testing::RunEcholab;
using echolab::testing::RunShell;
using ::testing::HasSubstr;

const std::string kConfig =
    echolab::testing::SixOscillatorsProblem(echolab::testing::kSineInput, "8.0") +
    R"([sweep]
beta = [0.001, 0.01, 0.1, 0.3]
decay_rate_per_s = [0.001, 0.01, 0.1]
thermal_energy_J = [0.0, 1e-6]
echo_damping = ["naive", "gain_reweighted"]
seeds = [1, 2, 3, 4]
)";

class SweepCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::EmptyTestDirectory("echolab_sweep_");
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

// Threads finish points in any order; the finished file lists them in the
// grid's order, so one thread and many write the same rows in the same order.
TEST_F(SweepCommand, OneThreadOrManyWriteTheSameFileRowForRow) {
  const std::string problem = kConfig.substr(0, kConfig.find("[sweep]"));
  std::ofstream(config_) << problem
                         << "[sweep]\nbeta = [0.3, 0.01, 0.1]\necho_damping = [\"naive\", "
                            "\"gain\"]\ndecay_rate_per_s = [0.01, 0.1]\n";
  const fs::path one = directory_ / "one", many = directory_ / "many";
  ASSERT_EQ(RunEcholab(fmt::format("sweep {} -q --no-plot -j 1 -o {}", config_, one.string()))
                .exit_code,
            0);
  ASSERT_EQ(RunEcholab(fmt::format("sweep {} -q --no-plot -j 3 -o {}", config_, many.string()))
                .exit_code,
            0);
  EXPECT_EQ(RowsWithoutTiming(many / "results.csv").size(), 12u);
  EXPECT_EQ(RowsWithoutTiming(many / "results.csv"), RowsWithoutTiming(one / "results.csv"));
}

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
  fs::copy_file(whole / "sweep_state.json", cut / "sweep_state.json");
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
  // A folder echolab did not write is refused; with --force, its results
  // file is still not resumed.
  const auto result = RunEcholab(Sweep(foreign));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--force"));
  const auto forced = RunEcholab(Sweep(foreign) + " --force");
  EXPECT_EQ(forced.exit_code, 2);
  EXPECT_THAT(forced.output, HasSubstr("cannot resume"));
  EXPECT_THAT(forced.output, HasSubstr("--restart"));

  std::string text = kConfig;
  text.replace(text.find("beta = [0.001"), 13, "beta = [-0.001");
  std::ofstream(config_) << text;
  const auto bad = RunEcholab(Sweep(directory_ / "bad"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("sweep.beta"));
}

// A resumed sweep recognises its problem by the parsed configuration without
// the grid: comments, layout and the order of keys do not matter, a grid
// that grew resumes with the rows already computed, and anything else that
// changes the problem (here pathwise_reference, which the rows of noisy
// points depend on) is refused until --restart.
TEST_F(SweepCommand, ResumesTheSameProblemOnly) {
  const std::string problem = kConfig.substr(0, kConfig.find("[sweep]"));
  std::ofstream(config_) << problem << "[sweep]\nbeta = [0.01, 0.1]\n";
  const fs::path out = directory_ / "resumed";
  ASSERT_EQ(RunEcholab(Sweep(out)).exit_code, 0);
  const std::vector<std::string> first = RowsWithoutTiming(out / "results.csv");
  ASSERT_EQ(first.size(), 2u);

  // The same problem written otherwise, with a grown grid.
  std::string reformatted = "# the same problem\n[sweep]\nbeta = [ 0.3, 0.01,\n  0.1 ]\n" + problem;
  reformatted.replace(reformatted.find("duration_s = 8.0"), 16, "duration_s = 8.0  # seconds");
  std::ofstream(config_) << reformatted;
  const auto grown =
      RunEcholab(fmt::format("sweep {} --no-plot -j 2 -o {}", config_, out.string()));
  ASSERT_EQ(grown.exit_code, 0) << grown.output;
  EXPECT_THAT(grown.output, HasSubstr("3 points, 2 already in"));
  const std::vector<std::string> rows = RowsWithoutTiming(out / "results.csv");
  EXPECT_EQ(rows.size(), 3u);
  for (const std::string& row : first) {
    EXPECT_NE(std::find(rows.begin(), rows.end(), row), rows.end()) << row;
  }

  std::ofstream(config_) << problem << "[sweep]\nbeta = [0.01, 0.1]\npathwise_reference = false\n";
  const auto changed = RunEcholab(Sweep(out));
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_THAT(changed.output, HasSubstr("the configuration outside the [sweep] grid"));
  EXPECT_EQ(RowsWithoutTiming(out / "results.csv"), rows);
  ASSERT_EQ(RunEcholab(Sweep(out) + " --restart").exit_code, 0);
  EXPECT_EQ(RowsWithoutTiming(out / "results.csv").size(), 2u);
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

// The fields of a results or statistics file, by column name, one map per row.
std::vector<std::map<std::string, std::string>> ReadTable(const fs::path& csv) {
  std::ifstream stream(csv);
  std::string line;
  std::getline(stream, line);
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) names.push_back(name);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(stream, line)) {
    // No field of these rows holds a comma (statuses are "success").
    std::stringstream fields(line);
    std::map<std::string, std::string> row;
    for (const std::string& name : names) std::getline(fields, row[name], ',');
    rows.push_back(row);
  }
  return rows;
}

// The gradient columns `PREFIX:NAME` of a row as a vector.
std::vector<double> Gradient(const std::map<std::string, std::string>& row,
                             const std::string& prefix) {
  std::vector<double> values;
  for (const auto& [name, value] : row) {
    if (name.rfind(prefix + ":", 0) == 0) values.push_back(std::stod(value));
  }
  return values;
}

double Distance(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum);
}

// Each row carries the echo's hardware cost and the adjoint's digital cost:
// 3 passes of 8 s; energies measured on the step grid, NaN for the
// continuous echo of a noisy pass.
TEST_F(SweepCommand, RowsCarryTheHardwareCostOfTheEcho) {
  // The six oscillators with a sweep of two points, with and without noise.
  std::ofstream(config_) << kConfig.substr(0, kConfig.find("[sweep]"))
                         << "[sweep]\nbeta = [0.01]\ndecay_rate_per_s = [0.01]\n"
                            "thermal_energy_J = [0.0, 1e-6]\nseeds = [1]\n"
                            "pathwise_reference = false\n";
  const fs::path out = directory_ / "cost";
  ASSERT_EQ(RunEcholab(Sweep(out)).exit_code, 0);
  const auto rows = ReadTable(out / "results.csv");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(std::stod(row.at("echo_hardware_passes")), 3.0);
    EXPECT_DOUBLE_EQ(std::stod(row.at("echo_physical_time_s")), 3 * 8.0);
    EXPECT_GT(std::stod(row.at("adjoint_flops")), 0.0);
    // Naive echoes of a damped pass; with thermal noise the continuous echo's,
    // measured on its output grid.
    EXPECT_GT(std::stod(row.at("echo_dissipated_J")), 0.0);
    EXPECT_GT(std::stod(row.at("echo_readout_samples")), 0.0);
  }
}

// seed_statistics.csv holds, per group of seeds, the bias of the mean echo
// and the spread of the echoes, recomputed here from the gradients that
// results.csv records; thermal noise makes the spread fall like 1/β and grow
// like sqrt(kB T).
TEST_F(SweepCommand, SeedStatisticsSplitTheErrorIntoBiasAndSpread) {
  std::string text = kConfig;
  text = text.substr(0, text.find("[sweep]")) + R"([sweep]
beta = [0.003, 0.01, 0.03, 0.1]
decay_rate_per_s = [0.01]
thermal_energy_J = [1e-8, 1e-6]
seeds = [1, 2, 3, 4, 5]
pathwise_reference = false
)";
  std::ofstream(config_) << text;
  const fs::path out = directory_ / "seeds";
  const auto result = RunEcholab(Sweep(out));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto rows = ReadTable(out / "results.csv");
  const auto groups = ReadTable(out / "seed_statistics.csv");
  ASSERT_EQ(rows.size(), 4u * 2u * 5u);
  ASSERT_EQ(groups.size(), 4u * 2u);
  std::map<std::pair<double, double>, double> spread;  // (kT, β) -> spread
  for (const auto& group : groups) {
    const double beta = std::stod(group.at("beta"));
    const double kT = std::stod(group.at("thermal_energy_J"));
    std::vector<std::vector<double>> echoes;
    std::vector<double> reference;
    for (const auto& row : rows) {
      if (std::stod(row.at("beta")) == beta && std::stod(row.at("thermal_energy_J")) == kT) {
        echoes.push_back(Gradient(row, "echo"));
        reference = Gradient(row, "reference");
      }
    }
    ASSERT_EQ(echoes.size(), 5u);
    ASSERT_EQ(reference.size(), 27u);  // the six oscillators' m, k and k_ij
    std::vector<double> mean(reference.size(), 0.0);
    for (const auto& echo : echoes) {
      for (size_t i = 0; i < mean.size(); ++i) mean[i] += echo[i] / 5.0;
    }
    double squares = 0.0;
    for (const auto& echo : echoes) squares += std::pow(Distance(echo, mean), 2);
    const double scale = Distance(reference, std::vector<double>(reference.size(), 0.0));
    EXPECT_EQ(group.at("seeds"), "5");
    EXPECT_NEAR(std::stod(group.at("bias_relative")), Distance(mean, reference) / scale,
                1e-12 * Distance(mean, reference) / scale);
    const double expected_spread = std::sqrt(squares / 4.0) / scale;
    EXPECT_NEAR(std::stod(group.at("spread_relative")), expected_spread, 1e-12 * expected_spread);
    spread[{kT, beta}] = expected_spread;
  }
  // Slope of log spread against log β at each noise level: -1.
  for (double kT : {1e-8, 1e-6}) {
    const double slope = std::log(spread[{kT, 0.1}] / spread[{kT, 0.003}]) / std::log(0.1 / 0.003);
    std::cout << fmt::format(
        "kB T = {:g} J: spread {:.2e} at beta 0.003, {:.2e} at 0.1, slope "
        "{:.2f}\n",
        kT, spread[{kT, 0.003}], spread[{kT, 0.1}], slope);
    EXPECT_NEAR(slope, -1.0, 0.2);
  }
  // A hundred times the thermal energy, ten times the spread (sqrt(kB T)).
  const double ratio = spread[{1e-6, 0.01}] / spread[{1e-8, 0.01}];
  EXPECT_NEAR(ratio, 10.0, 2.0);
}

// A sweep of a netlist: its resistors' conductances scaled from lossless to
// the netlist's values. Lossless, the echo is exact; the naive echo's error
// grows with the conductance; knobs that do not fit a circuit are refused.
TEST_F(SweepCommand, SweepsTheResistorsOfACircuit) {
  std::ofstream(directory_ / "ladder.cir") << R"(Lossy ladder
I1 0 n1 SIN(0 10m 60meg)
C1 n1 0 10p
L1 n1 n2 25n
C2 n2 0 10p
L2 n2 n3 25n
C3 n3 0 10p
L3 n3 0 50n
R1 n1 0 500
R3 n3 0 300
.end
)";
  {
    std::ofstream target(directory_ / "target.csv");
    target << "t,y\n";
    for (int k = 0; k <= 20; ++k) {
      const double t = k * 1e-9;
      target << fmt::format("{:.12g},{:.12g}\n", t, 0.2 * std::sin(2 * std::numbers::pi * 5e7 * t));
    }
  }
  const std::string circuit = R"([circuit]
netlist = "ladder.cir"
train = ["C1", "L2", "C3"]
output_node = "n3"
target = "target.csv"
duration_s = 20e-9
step_s = 4e-12
)";
  std::ofstream(config_) << circuit << R"([sweep]
conductance_scale = [0.0, 0.03, 0.3, 1.0]
echo_damping = ["naive", "gain"]
)";
  const fs::path out = directory_ / "circuit";
  const auto result = RunEcholab(Sweep(out));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::map<std::pair<std::string, double>, double> error;  // (variant, scale) -> error
  for (const auto& row : ReadTable(out / "results.csv")) {
    EXPECT_EQ(Gradient(row, "echo").size(), 3u);
    error[{row.at("echo_damping"), std::stod(row.at("conductance_scale"))}] =
        std::stod(row.at("relative_error"));
  }
  ASSERT_EQ(error.size(), 8u);
  std::cout << fmt::format(
      "naive echo on the ladder: {:.1e}, {:.1e}, {:.1e}, {:.1e} at "
      "conductance x 0, 0.03, 0.3, 1\n",
      error[{"naive", 0.0}], error[{"naive", 0.03}], error[{"naive", 0.3}], error[{"naive", 1.0}]);
  const double lossless = error[{"naive", 0.0}], weak = error[{"naive", 0.03}];
  EXPECT_LT(lossless, 1e-6);
  EXPECT_LT((error[{"gain", 0.0}]), 1e-6);
  EXPECT_GT(weak, 1e3 * lossless);
  EXPECT_GT((error[{"naive", 0.3}]), weak);

  std::ofstream(config_) << circuit << "[sweep]\necho_damping = [\"gain_reweighted\"]\n";
  const auto reweighted = RunEcholab(Sweep(directory_ / "reweighted"));
  EXPECT_EQ(reweighted.exit_code, 2);
  EXPECT_THAT(reweighted.output, HasSubstr("sweep.echo_damping"));
  EXPECT_FALSE(fs::exists(directory_ / "reweighted"));

  std::ofstream(config_) << kConfig.substr(0, kConfig.find("[sweep]"))
                         << "[sweep]\nconductance_scale = [0.5]\n";
  const auto oscillators = RunEcholab(Sweep(directory_ / "oscillators"));
  EXPECT_EQ(oscillators.exit_code, 2);
  EXPECT_THAT(oscillators.output, HasSubstr("sweep.conductance_scale"));
}

}  // namespace
