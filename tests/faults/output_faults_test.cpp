// Output folders under hostile paths and faults: echolab never deletes a
// folder it did not write, refuses an unusable destination before any work,
// and a failed run (full disk, file-size limit) leaves no partial output and
// the earlier run's folder intact.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/error.h"
#include "faults/fault_harness.h"
#include "faults/small_configs.h"
#include "sims/output/output_destination.h"

namespace {

namespace fs = std::filesystem;
using echolab::faults::Changes;
using echolab::faults::FaultTest;
using echolab::faults::kSmallLoss;
using echolab::faults::kSmallSubstrate;
using echolab::faults::kSmallSweep;
using echolab::faults::kSmallTrain;
using echolab::faults::PartialLeftovers;
using echolab::faults::RunEcholabIn;
using echolab::faults::RunLimits;
using echolab::faults::RunOutcome;
using echolab::faults::Snapshot;

// One oscillator for 5e4 s at 1e-3 s (5e7 steps, within max_steps):
// minutes of work, so a refusal that comes back at once shows that it came
// before the computation.
constexpr const char* kLongConfig = R"([model]
type = "oscillator_network"
num_oscillators = 2
[model.onsite]
law = "harmonic"
k = 1.0
[initial_state]
q = [1.0, 0.0]
[simulation]
duration_s = 5e4
[integrator]
scheme = "leapfrog"
step_s = 1e-3
output_interval_s = 1.0
)";

class OutputFolder : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    work_ = root() / "work";
    fs::create_directories(work_);
    WriteFile("work/quick.toml", kSmallSubstrate);
    WriteFile("work/check.toml", std::string(kSmallSubstrate) + kSmallLoss);
    WriteFile("work/sweep.toml", std::string(kSmallSubstrate) + kSmallLoss + kSmallSweep);
    WriteFile("work/train.toml", kSmallTrain);
    WriteFile("work/long.toml", kLongConfig);
    WriteFile("work/notes.txt", "a user's file\n");
    WriteFile("work/data/keep.csv", "t,y\n0,1\n");
  }
  RunOutcome Simulate(const std::string& config, const std::string& output,
                      const RunLimits& limits = {}) const {
    return RunEcholabIn(work_, "simulate " + config + " --no-plot -q -o " + output, limits);
  }
  fs::path work_;
};

// Each of `-o .`, `-o ..`, `-o ./`, `-o ../..` and the home folder is refused
// with exit 2 by every command that writes a folder, and no file changes.
TEST_F(OutputFolder, RefusesTheCurrentFolderItsAncestorsAndHome) {
  const fs::path home = root() / "home";
  WriteFile("home/.profile", "a user's file\n");
  const auto before = Snapshot(root());
  for (const std::string& output :
       std::vector<std::string>{".", "..", "./", "../..", "data/..", work_.string()}) {
    for (const std::string command :
         {"simulate quick.toml --no-plot", "gradcheck check.toml", "validate", "sweep sweep.toml",
          "train train.toml"}) {
      const RunOutcome outcome =
          RunEcholabIn(work_, command + " -q -o " + output, {.timeout_s = 60});
      EXPECT_EXIT_WITH_MESSAGE(outcome, 2, "--output-dir", "refusing to write into");
    }
  }
  const RunOutcome in_home =
      RunEcholabIn(work_, "simulate quick.toml --no-plot -q --force -o " + home.string(),
                   {.timeout_s = 60, .environment = "HOME=" + home.string()});
  EXPECT_EXIT_WITH_MESSAGE(in_home, 2, "the home folder");
  EXPECT_EQ(Changes(before, Snapshot(root())), "");
}

// The check itself, for paths that a test must not hand to a real run.
TEST(OutputDestination, RefusesTheRootFolder) {
  EXPECT_THROW(echolab::CheckOutputDestination("/", false), echolab::InputError);
  EXPECT_THROW(echolab::CheckOutputDestination("/..", true), echolab::InputError);
  EXPECT_THROW(echolab::CheckOutputDestination("//", true), echolab::InputError);
  EXPECT_THROW(echolab::CheckOutputDestination(fs::current_path(), true), echolab::InputError);
  EXPECT_THROW(echolab::CheckOutputDestination("", true), echolab::InputError);
}

// A folder with files that echolab did not write is refused without --force
// (untouched), and replaced with it.
TEST_F(OutputFolder, RefusesAnUnrelatedFolderUnlessForced) {
  const auto before = Snapshot(root());
  const RunOutcome refused = Simulate("quick.toml", "data");
  EXPECT_EXIT_WITH_MESSAGE(refused, 2, "--output-dir data", "not written by echolab", "--force");
  EXPECT_EQ(Changes(before, Snapshot(root())), "");

  const RunOutcome forced = RunEcholabIn(work_, "simulate quick.toml --no-plot -q --force -o data");
  EXPECT_EXIT_WITH_MESSAGE(forced, 0);
  EXPECT_TRUE(fs::exists(work_ / "data" / "meta.json"));
  EXPECT_FALSE(fs::exists(work_ / "data" / "keep.csv"));
  EXPECT_EQ(PartialLeftovers(root()), std::vector<std::string>{});
}

// An earlier run's folder is replaced whole, with or without a trailing slash.
TEST_F(OutputFolder, ReplacesAnEarlierRunWithATrailingSlash) {
  EXPECT_EXIT_WITH_MESSAGE(Simulate("quick.toml", "run/"), 0);
  WriteFile("work/run/stale.csv", "from an earlier version\n");
  EXPECT_EXIT_WITH_MESSAGE(Simulate("quick.toml", "run/"), 0);
  EXPECT_TRUE(fs::exists(work_ / "run" / "trajectory.csv"));
  EXPECT_FALSE(fs::exists(work_ / "run" / "stale.csv"));
  EXPECT_TRUE(fs::exists(work_ / "notes.txt"));
  EXPECT_EQ(PartialLeftovers(root()), std::vector<std::string>{});
}

// A file and a path through a file are refused at once (well
// before the minutes the long run would take), with nothing written.
TEST_F(OutputFolder, RefusesAnUnusablePathBeforeTheComputation) {
  const auto before = Snapshot(root());
  for (const std::string output : {"notes.txt", "notes.txt/run"}) {
    const RunOutcome outcome = Simulate("long.toml", output, {.timeout_s = 30});
    EXPECT_EXIT_WITH_MESSAGE(outcome, 2, "--output-dir");
  }
  const RunOutcome train = RunEcholabIn(work_, "train train.toml -q -o notes.txt");
  EXPECT_EXIT_WITH_MESSAGE(train, 2, "--output-dir notes.txt", "not a folder");
  EXPECT_EQ(Changes(before, Snapshot(root())), "");
}

// A symbolic link as the destination is refused rather than followed.
TEST_F(OutputFolder, RefusesASymbolicLink) {
  fs::create_directory_symlink(work_ / "data", work_ / "link");
  const auto before = Snapshot(root());
  EXPECT_EXIT_WITH_MESSAGE(Simulate("quick.toml", "link"), 2, "symbolic link");
  EXPECT_EQ(Changes(before, Snapshot(root())), "");
}

// Missing parent folders are created.
TEST_F(OutputFolder, CreatesMissingParents) {
  EXPECT_EXIT_WITH_MESSAGE(Simulate("quick.toml", "a/b/c"), 0);
  EXPECT_TRUE(fs::exists(work_ / "a" / "b" / "c" / "energy.csv"));
}

// Leftovers of runs that died: a staging folder is removed; a folder set
// aside while being replaced is restored when the destination is missing.
TEST_F(OutputFolder, CleansUpAfterRunsThatDied) {
  WriteFile("work/.run.partial-999999999/trajectory.csv", "t_s\n0\n");
  WriteFile("work/.kept.replaced-999999999/meta.json", R"({"echolab_version": "0"})");
  WriteFile("work/.kept.replaced-999999999/trajectory.csv", "earlier\n");
  const RunOutcome run = Simulate("quick.toml", "run");
  EXPECT_EXIT_WITH_MESSAGE(run, 0, "removed", ".run.partial-999999999");
  const RunOutcome kept = Simulate("quick.toml", "kept");
  EXPECT_EXIT_WITH_MESSAGE(kept, 0, "restored");
  EXPECT_EQ(PartialLeftovers(root()), std::vector<std::string>{});
  EXPECT_TRUE(fs::exists(work_ / "kept" / "energy.csv"));
}

// A full disk (a file-size limit): exit 1 naming the file and the reason, no
// partial folder, and the earlier run's folder unchanged.
TEST_F(OutputFolder, FullDiskKeepsTheEarlierRun) {
  EXPECT_EXIT_WITH_MESSAGE(Simulate("quick.toml", "run"), 0);
  const auto before = Snapshot(root());
  const RunOutcome outcome = Simulate("quick.toml", "run", {.file_size_kib = 16});
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "cannot write", "trajectory.csv", "File too large");
  EXPECT_EQ(Changes(before, Snapshot(root())), "");
  EXPECT_EQ(PartialLeftovers(root()), std::vector<std::string>{});
}

TEST_F(OutputFolder, FullDiskInGradcheckLeavesNothing) {
  const auto before = Snapshot(root());
  const RunOutcome outcome =
      RunEcholabIn(work_, "gradcheck check.toml -q -o check", {.file_size_kib = 1});
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "cannot write", "gradcheck.json", "File too large");
  EXPECT_EQ(Changes(before, Snapshot(root())), "");
}

// Training with a disk too small for its first checkpoint: exit 1 naming the
// checkpoint, and neither a temporary file nor a checkpoint folder is left.
TEST_F(OutputFolder, FullDiskInTrainLeavesNothing) {
  const auto before = Snapshot(root());
  const RunOutcome outcome =
      RunEcholabIn(work_, "train train.toml --no-plot -q -o trained", {.file_size_kib = 1});
  EXPECT_EXIT_WITH_MESSAGE(outcome, 1, "cannot write", "checkpoint.json", "File too large");
  EXPECT_EQ(Changes(before, Snapshot(root())), "");
}

// A plotting failure keeps the computed results: exit 3 with a message that
// says how to redraw, and `echolab plot` then draws them.
TEST_F(OutputFolder, PlotFailureKeepsTheResultsAndPlotRedraws) {
  const RunOutcome failed = RunEcholabIn(work_, "simulate quick.toml -q -o run",
                                         {.environment = "ECHOLAB_PYTHON=/bin/false"});
  EXPECT_EXIT_WITH_MESSAGE(failed, 3, "results are complete", "echolab plot");
  EXPECT_TRUE(fs::exists(work_ / "run" / "trajectory.csv"));
  EXPECT_TRUE(fs::exists(work_ / "run" / "meta.json"));
  EXPECT_FALSE(fs::exists(work_ / "run" / "simulation.png"));
  EXPECT_EQ(PartialLeftovers(root()), std::vector<std::string>{});

  EXPECT_EXIT_WITH_MESSAGE(RunEcholabIn(work_, "plot run"), 0, "drew the figures");
  EXPECT_TRUE(fs::exists(work_ / "run" / "simulation.png"));
  EXPECT_EXIT_WITH_MESSAGE(RunEcholabIn(work_, "plot data"), 2, "no figures to draw");
}

}  // namespace
