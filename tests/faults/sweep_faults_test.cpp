// `echolab sweep` under faults and hostile input: a changed problem is not
// resumed, two sweeps never write into one folder, a repeated grid value is
// refused, and a write that fails (a full disk) ends the run with exit 1,
// naming the file, with only whole rows in the results.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "faults/fault_harness.h"
#include "sims/sweep/folder_lock.h"
#include "sims/sweep_test_problem.h"

namespace echolab::faults {
namespace {

// A tiny sweep: four noise-free points of the six oscillators.
const std::string kProblem = echolab::testing::SixOscillatorsProblem(
    "waveform = \"sampled\"\nfile = \"drive.csv\"\n", "2.0");
constexpr const char* kGrid = "[sweep]\nbeta = [0.001, 0.01, 0.1, 0.3]\n";
constexpr const char* kDrive = "t,u\n0,0\n1,0.5\n2,0\n";
// Slower (thermal noise and its pathwise reference), for two runs to overlap.
constexpr const char* kSlowGrid =
    "[sweep]\nbeta = [0.01, 0.1]\ndecay_rate_per_s = [0.01]\nthermal_energy_J = [1e-6]\n"
    "seeds = [1, 2]\n";

const std::string kSweep = "sweep sweep.toml -q --no-plot -j 2 -o out";

// The rows of a results file (without the header), each checked to be whole:
// ending in a newline, with as many fields as the header.
std::vector<std::string> WholeRows(const fs::path& csv) {
  std::ifstream stream(csv, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  const std::string contents = text.str();
  EXPECT_TRUE(!contents.empty() && contents.back() == '\n') << "a row was cut off: " << contents;
  std::istringstream lines(contents);
  std::string header;
  std::getline(lines, header);
  const auto fields = [](const std::string& line) {
    // No field holds a comma: the statuses are "success".
    return std::count(line.begin(), line.end(), ',');
  };
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(fields(line), fields(header)) << line;
    rows.push_back(line);
  }
  return rows;
}

std::string ReplaceOnce(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

class SweepFaults : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    WriteFile("drive.csv", kDrive);
    WriteFile("sweep.toml", kProblem + kGrid);
  }
  fs::path Out() const { return root() / "out"; }
  // The output folder but its lock file, which every run rewrites with its
  // pid.
  TreeSnapshot ResultFiles() const {
    TreeSnapshot files = Snapshot(Out());
    files.erase("sweep.lock");
    return files;
  }
};

TEST_F(SweepFaults, AChangedProblemIsNotResumedUntilRestarted) {
  ASSERT_EQ(RunEcholabIn(root(), kSweep).exit_code, 0);
  const TreeSnapshot before = ResultFiles();
  WriteFile("sweep.toml", ReplaceOnce(kProblem + kGrid, "duration_s = 2.0",
                                      "duration_s = 1.5"));
  const RunOutcome changed = RunEcholabIn(root(), kSweep);
  EXPECT_EXIT_WITH_MESSAGE(changed, 2, "out/results.csv", "cannot resume",
                           "the configuration outside the [sweep] grid", "--restart");
  EXPECT_EQ(ResultFiles(), before);

  const RunOutcome restarted = RunEcholabIn(root(), kSweep + " --restart");
  EXPECT_EXIT_WITH_MESSAGE(restarted, 0);
  EXPECT_EQ(WholeRows(Out() / "results.csv").size(), 4u);
  EXPECT_NE(Snapshot(Out())["results.csv"], before.at("results.csv"));
  // The restarted results are those of the new problem: it resumes them.
  const RunOutcome resumed = RunEcholabIn(root(), kSweep);
  EXPECT_EXIT_WITH_MESSAGE(resumed, 0);
  EXPECT_TRUE(PartialLeftovers(Out()).empty());
}

TEST_F(SweepFaults, AChangedInputFileIsNotResumed) {
  ASSERT_EQ(RunEcholabIn(root(), kSweep).exit_code, 0);
  const TreeSnapshot before = ResultFiles();
  WriteFile("drive.csv", "t,u\n0,0\n1,0.6\n2,0\n");
  const RunOutcome changed = RunEcholabIn(root(), kSweep);
  EXPECT_EXIT_WITH_MESSAGE(changed, 2, "the file drive.csv", "--restart");
  EXPECT_EQ(ResultFiles(), before);
}

TEST_F(SweepFaults, ResultsWithoutARecordOfTheirProblemAreNotResumed) {
  ASSERT_EQ(RunEcholabIn(root(), kSweep).exit_code, 0);
  fs::remove(Out() / "sweep_state.json");
  const TreeSnapshot before = ResultFiles();
  const RunOutcome refused = RunEcholabIn(root(), kSweep);
  EXPECT_EXIT_WITH_MESSAGE(refused, 2, "sweep_state.json is missing", "--restart");
  EXPECT_EQ(ResultFiles(), before);
}

TEST_F(SweepFaults, ASecondSweepIntoALockedFolderIsRefusedNamingTheHolder) {
  fs::create_directories(Out());
  const TreeSnapshot before = Snapshot(Out());
  {
    const FolderLock held(Out() / "sweep.lock");
    const RunOutcome second = RunEcholabIn(root(), kSweep);
    EXPECT_EXIT_WITH_MESSAGE(second, 2, "out/sweep.lock", "another run is writing",
                             "pid " + std::to_string(getpid()) + " on ", "started ");
    EXPECT_FALSE(fs::exists(Out() / "results.csv"));
  }
  // Released with its holder.
  const RunOutcome after = RunEcholabIn(root(), kSweep);
  EXPECT_EXIT_WITH_MESSAGE(after, 0);
}

TEST_F(SweepFaults, TwoSweepsAtOnceWriteEachRowOnce) {
  WriteFile("sweep.toml", ReplaceOnce(kProblem + kSlowGrid, "duration_s = 2.0",
                                      "duration_s = 8.0"));
  const std::string echolab = std::string(ECHOLAB_BINARY) + " sweep sweep.toml -q --no-plot -j 1 -o out";
  const std::string script = "cd " + ShellQuote(root().string()) + " || exit 99; (" + echolab +
                             " > a.log 2>&1; echo $? > a.rc) & (" + echolab +
                             " > b.log 2>&1; echo $? > b.rc); wait";
  ASSERT_EQ(std::system(("/bin/sh -c " + ShellQuote(script)).c_str()), 0);
  const auto read = [&](const std::string& name) {
    std::ifstream stream(root() / name);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  };
  const std::multiset<std::string> codes = {read("a.rc"), read("b.rc")};
  EXPECT_EQ(codes, (std::multiset<std::string>{"0\n", "2\n"})) << read("a.log") << read("b.log");
  EXPECT_NE((read("a.log") + read("b.log")).find("another run is writing"), std::string::npos);
  const std::vector<std::string> rows = WholeRows(Out() / "results.csv");
  EXPECT_EQ(rows.size(), 4u);
  std::set<std::string> keys;
  for (const std::string& row : rows) {
    // The knobs, without the metrics and timing that follow the status.
    keys.insert(row.substr(0, row.find(",\"")));
  }
  EXPECT_EQ(keys.size(), rows.size());
}

TEST_F(SweepFaults, ARepeatedGridValueIsRefused) {
  WriteFile("sweep.toml", kProblem + "[sweep]\nbeta = [0.001, 0.01, 1e-3]\n");
  const RunOutcome beta = RunEcholabIn(root(), kSweep);
  // The key stands on line 17: the fifteen lines of the problem, then [sweep].
  EXPECT_EXIT_WITH_MESSAGE(beta, 2, "sweep.toml:17:", "sweep.beta", "the value 0.001 is listed twice");
  WriteFile("sweep.toml", kProblem +
                              "[sweep]\necho_damping = [\"naive\", \"gain\", \"naive\"]\n");
  const RunOutcome damping = RunEcholabIn(root(), kSweep);
  EXPECT_EXIT_WITH_MESSAGE(damping, 2, "sweep.toml:17:", "sweep.echo_damping",
                           "the value naive is listed twice");
  WriteFile("sweep.toml", kProblem + "[sweep]\nseeds = [3, 1, 3]\n");
  const RunOutcome seeds = RunEcholabIn(root(), kSweep);
  EXPECT_EXIT_WITH_MESSAGE(seeds, 2, "sweep.toml:17:", "sweep.seeds", "the value 3 is listed twice");
  EXPECT_FALSE(fs::exists(Out()));
}

// Eight rows do not fit in a file size limit of 8 KiB: a row's write fails
// part-way.
TEST_F(SweepFaults, AFullDiskEndsTheRunWithWholeRowsThatResume) {
  WriteFile("sweep.toml", kProblem +
                              "[sweep]\nbeta = [0.001, 0.002, 0.003, 0.01, 0.02, 0.03, 0.1, 0.2]\n");
  const RunOutcome full = RunEcholabIn(root(), kSweep, RunLimits{.file_size_kib = 8});
  EXPECT_EXIT_WITH_MESSAGE(full, 1, "out/results.csv", "cannot write a row", "File too large",
                           "errno");
  const std::vector<std::string> kept = WholeRows(Out() / "results.csv");
  EXPECT_GE(kept.size(), 1u);
  EXPECT_LT(kept.size(), 8u);
  EXPECT_TRUE(PartialLeftovers(Out()).empty());
  EXPECT_FALSE(fs::exists(Out() / "seed_statistics.csv"));

  const RunOutcome resumed = RunEcholabIn(root(), "sweep sweep.toml --no-plot -j 2 -o out");
  EXPECT_EXIT_WITH_MESSAGE(resumed, 0, std::to_string(kept.size()) + " already in");
  EXPECT_EQ(WholeRows(Out() / "results.csv").size(), 8u);
}

// The summary files are checked too: a write that fails (here: a folder in
// the way of the file) is exit 1 naming the file and the error.
TEST_F(SweepFaults, AFailedSummaryWriteIsARunFailure) {
  for (const std::string name : {"seed_statistics.csv", "meta.json"}) {
    fs::remove_all(Out());
    fs::create_directories(Out() / name / "in_the_way");
    const RunOutcome failed = RunEcholabIn(root(), std::string(kSweep) + " --force");
    EXPECT_EXIT_WITH_MESSAGE(failed, 1, "out/" + name, "Is a directory");
    EXPECT_TRUE(fs::is_directory(Out() / name));
    EXPECT_EQ(WholeRows(Out() / "results.csv").size(), 4u);
  }
}

}  // namespace
}  // namespace echolab::faults
