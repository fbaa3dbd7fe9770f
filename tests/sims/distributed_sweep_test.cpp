// `mpirun -n 3 echolab sweep`: the rows of a single thread, and a rank killed
// mid-run then a rerun end with the same rows.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "sims/build_info.h"
#include "sims/command_line.h"
#include "sims/sweep_results.h"
#include "sims/sweep_test_problem.h"

namespace echolab::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// 3 β × 2 γ × (2 noise-free variants + 3 noisy seeds) = 30 points.
const std::string kConfig =
    SixOscillatorsProblem(kSineInput, "8.0") +
    R"([sweep]
beta = [0.001, 0.01, 0.1]
decay_rate_per_s = [0.01, 0.1]
thermal_energy_J = [0.0, 1e-6]
echo_damping = ["naive", "gain_reweighted"]
seeds = [1, 2, 3]
)";
constexpr long kPoints = 30;

// mpirun as root (the test machines run as root), more ranks than cores.
const std::string kMpirun =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -n 3";

std::string ReadFile(const fs::path& path) {
  std::ifstream stream(path);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

class DistributedSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kWithMpi) GTEST_SKIP() << "echolab was built without MPI (ECHOLAB_MPI=OFF)";
    ASSERT_EQ(RunShell("command -v mpirun >/dev/null").exit_code, 0)
        << "echolab was built with MPI, but mpirun is not on PATH (install openmpi-bin)";
    directory_ = EmptyTestDirectory("echolab_mpi_");
    config_ = (directory_ / "sweep.toml").string();
    std::ofstream(config_) << kConfig;
    // The truth: one process, one thread (once for the suite).
    if (truth_.empty()) {
      const fs::path single = ScratchDirectory("echolab_mpi_single");
      fs::remove_all(single);
      fs::create_directories(single.parent_path());
      ASSERT_EQ(RunEcholab(fmt::format("sweep {} -q --no-plot -j 1 -o {}", config_,
                                       single.string()))
                    .exit_code,
                0);
      ASSERT_EQ(CountLines(single / "results.csv"), 1 + kPoints);
      truth_ = single;
    }
  }
  void TearDown() override {
    if (!directory_.empty()) fs::remove_all(directory_);
  }
  static void TearDownTestSuite() {
    if (!truth_.empty()) fs::remove_all(truth_.parent_path());
  }

  std::string Distributed(const fs::path& out) const {
    return fmt::format("{} {} sweep {} -q --no-plot -j 1 -o {}", kMpirun, ECHOLAB_BINARY, config_,
                       out.string());
  }

  static inline fs::path truth_;  // results of the single-process run
  fs::path directory_;
  std::string config_;
};

TEST_F(DistributedSweep, WritesTheRowsOfOneThread) {
  const fs::path out = directory_ / "mpi";
  const auto result = RunShell(Distributed(out) + " 2>&1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(CountLines(out / "results.csv"), 1 + kPoints);
  EXPECT_EQ(RowsWithoutTiming(out / "results.csv"),
            RowsWithoutTiming(truth_ / "results.csv"));
  EXPECT_EQ(ReadFile(out / "seed_statistics.csv"),
            ReadFile(truth_ / "seed_statistics.csv"));
  EXPECT_EQ(ReadFile(out / "sweep_state.json"), ReadFile(truth_ / "sweep_state.json"));
}

TEST_F(DistributedSweep, RefusesABadConfigurationOnEveryRank) {
  std::ofstream(config_, std::ios::app) << "max_points = 0\n";
  const auto result = RunShell(Distributed(directory_ / "bad") + " 2>&1");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("sweep.max_points"));
  EXPECT_FALSE(fs::exists(directory_ / "bad" / "results.csv"));
}

// Kills rank `rank` (SIGKILL) once results.csv holds a few rows; the job
// fails, and the same command then completes the missing points.
void KillRankThenResume(const fs::path& out, const std::string& distributed, int rank,
                        const fs::path& truth) {
  // mpirun starts the ranks as its children; OMPI_COMM_WORLD_RANK names each.
  const std::string script = fmt::format(
      R"SH({0} > {1}.log 2>&1 &
launcher=$!
for i in $(seq 1 6000); do
  [ "$(cat {2} 2>/dev/null | wc -l)" -gt 4 ] && break
  sleep 0.02
done
for process in $(cat /proc/$launcher/task/*/children); do
  if tr '\0' '\n' < /proc/$process/environ | grep -qx OMPI_COMM_WORLD_RANK={3}; then
    kill -KILL $process
  fi
done
wait $launcher
echo "exit $?"
)SH",
      distributed, out.string(), (out / "results.csv").string(), rank);
  const auto killed = RunShell(script);
  const long rows_before = CountLines(out / "results.csv") - 1;
  std::cout << fmt::format("rank {} killed with {} of {} rows written; mpirun: {}", rank,
                           rows_before, kPoints, killed.output);
  EXPECT_THAT(killed.output, ::testing::Not(HasSubstr("exit 0")));
  const auto resumed = RunShell(distributed + " 2>&1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(CountLines(out / "results.csv"), 1 + kPoints);
  EXPECT_EQ(RowsWithoutTiming(out / "results.csv"), RowsWithoutTiming(truth));
}

TEST_F(DistributedSweep, AKilledWorkerRankThenARerunEndWithTheSameRows) {
  const fs::path out = directory_ / "worker_killed";
  KillRankThenResume(out, Distributed(out), 1, truth_ / "results.csv");
}

TEST_F(DistributedSweep, AKilledWriterRankThenARerunEndWithTheSameRows) {
  const fs::path out = directory_ / "writer_killed";
  KillRankThenResume(out, Distributed(out), 0, truth_ / "results.csv");
}

}  // namespace
}  // namespace echolab::testing
