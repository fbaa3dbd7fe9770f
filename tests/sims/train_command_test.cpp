// `echolab train`: the files of a run, exit codes and all-or-nothing output
// on bad input and numerical failure, and a resumed run that reproduces an
// uninterrupted one.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "circuits/netlist_parser.h"
#include "sims/command_line.h"
#include "sims/train_test_config.h"

namespace {

namespace fs = std::filesystem;
using echolab::testing::RunEcholab;
using ::testing::HasSubstr;

using echolab::testing::kTrainConfig;

// metrics.csv without its wall-time column.
std::vector<std::string> MetricsWithoutTime(const fs::path& csv) {
  std::ifstream stream(csv);
  std::vector<std::string> rows;
  for (std::string line; std::getline(stream, line);)
    rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

class TrainCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = echolab::testing::ScratchDirectory(
        "echolab_train_" +
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_.parent_path()); }

  std::string Config(const std::string& name, long steps, double lr = 0.1,
                     const std::string& extra = "") const {
    const fs::path path = directory_ / name;
    std::ofstream(path) << fmt::format(fmt::runtime(kTrainConfig), fmt::arg("lr", lr),
                                       fmt::arg("steps", steps))
                        << extra;
    return path.string();
  }
  std::string Train(const std::string& config, const fs::path& out,
                    const std::string& flags = "") const {
    return fmt::format("train {} -q --no-plot -o {} {}", config, out.string(), flags);
  }

  fs::path directory_;
};

TEST_F(TrainCommand, WritesMetricsCheckpointParametersAndSummary) {
  const fs::path out = directory_ / "run";
  const auto result =
      RunEcholab(fmt::format("train {} -o {} --grad bptt", Config("a.toml", 10), out.string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("train: step 10/10"));
  for (const char* file :
       {"metrics.csv", "checkpoint.json", "parameters.csv", "summary.json", "learning_curve.png"}) {
    EXPECT_TRUE(fs::exists(out / file)) << file;
  }
  EXPECT_FALSE(fs::exists(directory_ / "run.in-progress"));
  const std::vector<std::string> metrics = MetricsWithoutTime(out / "metrics.csv");
  ASSERT_EQ(metrics.size(), 3u);
  EXPECT_EQ(metrics[0], "step,epoch,train_loss,validation_loss,validation_metric");
  EXPECT_THAT(metrics[2], ::testing::StartsWith("10,"));
  const nlohmann::json summary = nlohmann::json::parse(std::ifstream(out / "summary.json"));
  EXPECT_EQ(summary["gradient_rule"], "bptt");
  EXPECT_EQ(summary["steps"], 10);
  EXPECT_EQ(summary["metric"], "mse");
  EXPECT_EQ(summary["examples"]["test"], 3);
  EXPECT_GT(summary["test_metric"].get<double>(), 0.0);
  // One step's gradient by the adjoint: one recorded pass per sequence of
  // the batch of 3, and the computer's operations.
  const nlohmann::json& cost = summary["hardware_cost_per_step"];
  EXPECT_EQ(cost["hardware_passes"], 3);
  EXPECT_EQ(cost["resets"], 3);
  EXPECT_GT(cost["digital"]["flops"].get<double>(), 0.0);
  EXPECT_EQ(cost["time_unit"], "s");
  // The printed summary says the same.
  EXPECT_THAT(result.output, HasSubstr("hardware cost per step (bptt): 3 hardware passes (0 flips, "
                                       "3 resets)"));
  EXPECT_THAT(result.output, HasSubstr("; computer: "));
}

TEST_F(TrainCommand, TheEchosStepCostsThreePassesPerSequence) {
  const fs::path out = directory_ / "run";
  const auto result = RunEcholab(Train(Config("a.toml", 2), out, "--grad rhel"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json summary = nlohmann::json::parse(std::ifstream(out / "summary.json"));
  const nlohmann::json& cost = summary["hardware_cost_per_step"];
  EXPECT_EQ(cost["hardware_passes"], 3 * 3);
  EXPECT_EQ(cost["flips"], 2 * 3);
  EXPECT_FALSE(cost["energy_J"].is_null());
  EXPECT_EQ(cost["digital"]["flops"].get<double>(), 0.0);
  // Sequences of 60 samples 0.1 s apart: 5.9 s per pass; no flip or reset time.
  EXPECT_NEAR(cost["pass_time_s"].get<double>(), 9 * 5.9, 1e-9);
  EXPECT_EQ(cost["physical_time_s"], cost["pass_time_s"]);
  // Two echoes per sequence read: 2 × 3 × (steps of a pass) samples.
  EXPECT_EQ(cost["readout"]["samples_per_parameter"].get<long>() % (2 * 3), 0);
  EXPECT_GT(cost["readout"]["range_bits"].get<double>(), 0.0);
}

// A circuit's run writes the circuit with its best values back as a netlist:
// the physical values of parameters.csv for the trained elements.
TEST_F(TrainCommand, CircuitRunWritesTheTrainedNetlist) {
  std::ofstream(directory_ / "lc.cir")
      << "integrator\nI1 a 0 DC 0\nC1 a 0 100p\nL1 a 0 1u\nL2 a b 100n\nC2 b 0 100p\n.end\n";
  const fs::path config = directory_ / "lc.toml";
  std::ofstream(config) << R"([task]
kind = "windowed_mean"
sequences = 8
length = 40
window_steps = 10
output_step = 4
correlation_steps = 5.0
seed = 2

[model]
kind = "circuit"
netlist = "lc.cir"
trained = ["C1", "L2"]
output_node = "b"
sample_interval_s = 2e-9
input_scale = 3e-3
step_s = 1e-10

[training]
lr = 0.05
batch = 2
steps = 4
eval_every = 2
seed = 1
beta = 1e-9
split = [0.5, 0.25, 0.25]
)";
  const fs::path out = directory_ / "run";
  const auto result = RunEcholab(Train(config.string(), out));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream parameters(out / "parameters.csv");
  std::string line;
  std::getline(parameters, line);
  std::map<std::string, double> best;
  while (std::getline(parameters, line)) {
    const size_t comma = line.find(',');
    best[line.substr(0, comma)] = std::stod(line.substr(comma + 1, line.rfind(',') - comma - 1));
  }
  ASSERT_EQ(best.size(), 2u);
  const echolab::Netlist trained = echolab::ParseNetlistFile((out / "trained.cir").string());
  EXPECT_DOUBLE_EQ(trained.Find("c1")->value, best.at("c1"));  // physical values (F, H)
  EXPECT_DOUBLE_EQ(trained.Find("l2")->value, best.at("l2"));
  EXPECT_NE(trained.Find("c1")->value, 100e-12);
  EXPECT_EQ(trained.Find("l1")->value, 1e-6);
}

// parameters.csv holds the substrate's stiffnesses in N/m, θ = θ0 exp(z),
// not the log-scale z that the optimiser moves (in checkpoint.json).
TEST_F(TrainCommand, ParametersAreWrittenInPhysicalUnits) {
  const fs::path out = directory_ / "run";
  ASSERT_EQ(RunEcholab(Train(Config("a.toml", 10, 0.2), out)).exit_code, 0);
  const nlohmann::json checkpoint = nlohmann::json::parse(std::ifstream(out / "checkpoint.json"));
  const std::vector<double> z = checkpoint["parameters"].get<std::vector<double>>();
  const std::vector<double> initial_N_per_m = {1.0, 2.0, 0.5};  // k_1, k_2, k_1_2 of kTrainConfig
  std::ifstream csv(out / "parameters.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "name,best,last");
  for (size_t i = 0; i < z.size(); ++i) {
    ASSERT_TRUE(std::getline(csv, line));
    const std::string last = line.substr(line.rfind(',') + 1);
    EXPECT_NE(z[i], 0.0);  // trained away from the start
    EXPECT_NEAR(std::stod(last), initial_N_per_m[i] * std::exp(z[i]), 1e-12) << line;
  }
}

// metrics.csv grows while the run goes: a run killed after its first
// evaluation has left that row in its staging folder's metrics.csv.
TEST_F(TrainCommand, MetricsAreWrittenAtEachEvaluation) {
  const fs::path out = directory_ / "live";
  const std::string command =
      std::string(ECHOLAB_BINARY) + " " + Train(Config("a.toml", 100000), out);
  // Started in the background; killed (SIGKILL: no clean-up) once the first
  // checkpoint exists, which is written after the evaluation's row.
  const auto result = echolab::testing::RunShell(
      fmt::format("{} >/dev/null 2>&1 & pid=$!; "
                  "while [ ! -f {} ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done; "
                  "kill -9 $pid; wait $pid 2>/dev/null; ls -d {}/.live.partial-*",
                  command, (directory_ / "live.in-progress" / "checkpoint.json").string(),
                  directory_.string()));
  const fs::path staging = result.output.substr(0, result.output.find('\n'));
  ASSERT_TRUE(fs::exists(staging / "metrics.csv")) << result.output;
  const std::vector<std::string> rows = MetricsWithoutTime(staging / "metrics.csv");
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0], "step,epoch,train_loss,validation_loss,validation_metric");
  EXPECT_THAT(rows[1], ::testing::StartsWith("5,"));
}

TEST_F(TrainCommand, ResumedRunReproducesAnUninterruptedOne) {
  const fs::path full = directory_ / "full", split = directory_ / "split";
  ASSERT_EQ(RunEcholab(Train(Config("full.toml", 20), full)).exit_code, 0);
  ASSERT_EQ(RunEcholab(Train(Config("half.toml", 10), split)).exit_code, 0);
  // A run interrupted after step 10 left its checkpoint in split.in-progress.
  fs::create_directories(directory_ / "split.in-progress");
  fs::rename(split / "checkpoint.json", directory_ / "split.in-progress" / "checkpoint.json");
  fs::remove_all(split);
  const auto resumed = RunEcholab(Train(Config("full.toml", 20), split, "--resume"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(MetricsWithoutTime(split / "metrics.csv"), MetricsWithoutTime(full / "metrics.csv"));
  std::ifstream a(full / "parameters.csv"), b(split / "parameters.csv");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(a), {}),
            std::string(std::istreambuf_iterator<char>(b), {}));
  EXPECT_FALSE(fs::exists(directory_ / "split.in-progress"));
}

TEST_F(TrainCommand, AFinishedRunTrainsOnWithMoreSteps) {
  const fs::path full = directory_ / "full", more = directory_ / "more";
  ASSERT_EQ(RunEcholab(Train(Config("full.toml", 20), full)).exit_code, 0);
  ASSERT_EQ(RunEcholab(Train(Config("half.toml", 10), more)).exit_code, 0);
  ASSERT_EQ(RunEcholab(Train(Config("full.toml", 20), more, "--resume")).exit_code, 0);
  EXPECT_EQ(MetricsWithoutTime(more / "metrics.csv"), MetricsWithoutTime(full / "metrics.csv"));
}

TEST_F(TrainCommand, BadInputExitsWithTwoAndWritesNothing) {
  const fs::path out = directory_ / "out";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Train(Config("unknown.toml", 10, 0.1, "colour = 1\n"), out),
       "unknown.toml:34:10: training.colour: unknown key"},
      {Train(Config("lr.toml", 10, -1.0), out), "lr.toml:28:6: training.lr: expected a positive"},
      {Train(Config("grad.toml", 10), out, "--grad sgd"), "--grad"},
      {Train(Config("resume.toml", 10), out, "--resume"), "--resume: no checkpoint"},
  };
  for (const auto& [arguments, message] : cases) {
    const auto result = RunEcholab(arguments);
    EXPECT_EQ(result.exit_code, 2) << arguments << "\n" << result.output;
    EXPECT_THAT(result.output, HasSubstr(message)) << arguments;
    EXPECT_FALSE(fs::exists(out)) << arguments;
    EXPECT_FALSE(fs::exists(directory_ / "out.in-progress")) << arguments;
  }
}

TEST_F(TrainCommand, MalformedDataFileIsNamedWithItsLine) {
  std::ofstream(directory_ / "data.csv") << "sequence,x1,y1\n0,1,2\n0,1\n";
  const fs::path config = directory_ / "csv.toml";
  std::string text =
      fmt::format(fmt::runtime(kTrainConfig), fmt::arg("lr", 0.1), fmt::arg("steps", 5));
  text.replace(0, text.find("[model]"), "[task]\nkind = \"csv_file\"\nfile = \"data.csv\"\n\n");
  std::ofstream(config) << text;
  const auto result = RunEcholab(Train(config.string(), directory_ / "out"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("data.csv:3: expected 3 comma-separated values"));
  EXPECT_FALSE(fs::exists(directory_ / "out"));
}

TEST_F(TrainCommand, NumericalFailureExitsWithOneAndLeavesNoOutput) {
  // Steps of e^30 in the stiffnesses make the leapfrog pass unstable.
  const fs::path out = directory_ / "out";
  const auto result = RunEcholab(Train(Config("unstable.toml", 10, 30.0), out));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("echolab: failed"));
  EXPECT_FALSE(fs::exists(out));
}

constexpr const char* kHssmConfig = R"([task]
kind = "burst_classification"
sequences = 40
length = 200
classes = 2
seed = 3
[model]
kind = "hssm"
unit = "{unit}"
layers = 2
hidden = 8
state = 6
[training]
lr = 0.01
batch = 8
steps = 12
eval_every = 6
seed = 2
beta = 0.1
)";

// A linear Hamiltonian SSM trained by RHEL follows the BPTT run: the echo is
// exact for linear units, so the curves agree to round-off.
TEST_F(TrainCommand, HssmTrainsByRhelAsByBptt) {
  const fs::path config = directory_ / "hssm.toml";
  std::ofstream(config) << fmt::format(fmt::runtime(kHssmConfig), fmt::arg("unit", "linear"));
  const fs::path rhel = directory_ / "rhel", bptt = directory_ / "bptt";
  const auto by_rhel = RunEcholab(Train(config.string(), rhel, "--grad rhel"));
  ASSERT_EQ(by_rhel.exit_code, 0) << by_rhel.output;
  ASSERT_EQ(RunEcholab(Train(config.string(), bptt, "--grad bptt")).exit_code, 0);
  const nlohmann::json a = nlohmann::json::parse(std::ifstream(rhel / "summary.json"));
  const nlohmann::json b = nlohmann::json::parse(std::ifstream(bptt / "summary.json"));
  EXPECT_EQ(a["metric"], "accuracy");
  EXPECT_EQ(a["gradient_rule"], "rhel");
  const double loss_a = a["test_loss"].get<double>(), loss_b = b["test_loss"].get<double>();
  std::cout << fmt::format("test loss after 12 steps: rhel {:.12f}, bptt {:.12f}\n", loss_a,
                           loss_b);
  EXPECT_NEAR(loss_a, loss_b, 1e-8 * std::abs(loss_b));
  // A step's cost on the HRU layers: per block (2) and sequence (batch 8) of
  // 200 steps, three passes under RHEL, one under BPTT.
  const nlohmann::json& echo_cost = a["hardware_cost_per_step"];
  EXPECT_EQ(echo_cost["time_unit"], "steps");
  EXPECT_EQ(echo_cost["hardware_passes"], 3 * 2 * 8);
  EXPECT_EQ(echo_cost["flips"], 2 * 2 * 8);
  EXPECT_EQ(echo_cost["physical_time_s"].get<double>(), 3 * 2 * 8 * 200.0);
  EXPECT_EQ(echo_cost["readout"]["samples_per_parameter"], 2 * 8 * 200);
  EXPECT_TRUE(echo_cost["energy_J"].is_null());
  const nlohmann::json& bptt_cost = b["hardware_cost_per_step"];
  EXPECT_EQ(bptt_cost["hardware_passes"], 2 * 8);
  EXPECT_GT(bptt_cost["digital"]["flops"].get<double>(), 0.0);

  std::ofstream(config) << fmt::format(fmt::runtime(kHssmConfig), fmt::arg("unit", "cubic"));
  const auto bad = RunEcholab(Train(config.string(), directory_ / "bad"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("unit"));
  EXPECT_FALSE(fs::exists(directory_ / "bad"));
}

}  // namespace
