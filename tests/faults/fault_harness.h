#pragma once

// Fault injection for the command-line tests (ctest -L faults): runs the
// echolab executable with resource limits (file size, address space, time),
// and snapshots folders to show that a failed run touched no user file and
// left no partial output behind.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace echolab::faults {

namespace fs = std::filesystem;

/// How a run ended: an exit code, or the signal that killed it.
struct RunOutcome {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // 0 unless killed by a signal
  bool timed_out = false;  // stopped at RunLimits::timeout_s (exit_code 124)
  std::string output;  // stdout and stderr, merged
};

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer reserves terabytes of address space for its shadow memory,
// so an address-space limit would stop the child from starting at all.
inline constexpr bool kAddressSpaceLimitApplies = false;
#else
inline constexpr bool kAddressSpaceLimitApplies = true;
#endif

/// Resource limits applied to the child only (prlimit).
struct RunLimits {
  long file_size_kib = 0;      // ulimit -f (KiB); 0 = unlimited
  long address_space_kib = 0;  // ulimit -v (KiB); 0 = unlimited
  int timeout_s = 120;         // SIGTERM after this (SIGKILL 10 s later)
  std::string environment;     // "NAME=value ..." set for the child only
};

inline std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Runs `echolab ARGUMENTS` in `working_dir` under `limits`; the signal of a
/// killed child is reported, never mistaken for an exit code.
inline RunOutcome RunEcholabIn(const fs::path& working_dir, const std::string& arguments,
                               const RunLimits& limits = {}) {
  std::string script = "cd " + ShellQuote(working_dir.string()) + " || exit 99; exec prlimit";
  // prlimit takes bytes (the shells' ulimit units differ).
  if (limits.file_size_kib > 0) script += " --fsize=" + std::to_string(limits.file_size_kib * 1024);
  if (limits.address_space_kib > 0 && kAddressSpaceLimitApplies) {
    script += " --as=" + std::to_string(limits.address_space_kib * 1024);
  }
  // exec throughout, so that the exit status (or signal) is the executable's own.
  // timeout exits with 124 when it stopped the run.
  script += " env " + limits.environment + " timeout -k 10 " + std::to_string(limits.timeout_s) + " " +
            std::string(ECHOLAB_BINARY) + " " + arguments + " 2>&1";
  const std::string command = "/bin/sh -c " + ShellQuote(script);
  FILE* pipe = popen(command.c_str(), "r");
  RunOutcome outcome;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    outcome.output += buffer.data();
  }
  const int status = pclose(pipe);
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    // The shell reports a child killed by signal N as 128 + N.
    if (code > 128 && code < 128 + 65) {
      outcome.signal = code - 128;
    } else {
      outcome.exit_code = code;
      outcome.timed_out = code == 124;
    }
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

/// Every regular file under a folder (relative path -> contents), and every
/// folder (relative path -> "<dir>"), to compare before and after a run.
using TreeSnapshot = std::map<std::string, std::string>;

inline TreeSnapshot Snapshot(const fs::path& root) {
  TreeSnapshot snapshot;
  if (!fs::exists(root)) return snapshot;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = fs::relative(entry.path(), root).string();
    if (entry.is_directory()) {
      snapshot[name] = "<dir>";
    } else if (entry.is_regular_file()) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream contents;
      contents << in.rdbuf();
      snapshot[name] = contents.str();
    } else {
      snapshot[name] = "<other>";
    }
  }
  return snapshot;
}

/// The names that differ between two snapshots ("+ added", "- removed",
/// "~ changed"), one a line; empty when the trees are the same.
inline std::string Changes(const TreeSnapshot& before, const TreeSnapshot& after) {
  std::string changes;
  for (const auto& [name, contents] : before) {
    const auto found = after.find(name);
    if (found == after.end()) {
      changes += "- " + name + "\n";
    } else if (found->second != contents) {
      changes += "~ " + name + "\n";
    }
  }
  for (const auto& [name, contents] : after) {
    if (before.count(name) == 0) changes += "+ " + name + "\n";
  }
  return changes;
}

/// Names under `root` that look like leftovers of an unfinished run
/// (staging folders, temporary files).
inline std::vector<std::string> PartialLeftovers(const fs::path& root) {
  std::vector<std::string> leftovers;
  if (!fs::exists(root)) return leftovers;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".partial") != std::string::npos || name.find(".tmp") != std::string::npos ||
        name.find(".replaced") != std::string::npos) {
      leftovers.push_back(fs::relative(entry.path(), root).string());
    }
  }
  return leftovers;
}

/// A scratch folder of this test process and test: removed before and after.
class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("echolab_faults_" + std::to_string(getpid())) /
            (std::string(info->test_suite_name()) + "." + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(root_.parent_path(), ignored);
  }

  /// Writes `text` to `name` under the scratch folder; returns its path.
  fs::path WriteFile(const std::string& name, const std::string& text) const {
    const fs::path path = root_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

/// Asserts a clean refusal or failure: the expected exit code, no signal,
/// and a message containing every one of `fragments`.
/// `outcome` is evaluated once (it may be the run itself).
#define EXPECT_EXIT_WITH_MESSAGE(outcome, code, ...)                                      \
  do {                                                                                    \
    const ::echolab::faults::RunOutcome& checked_outcome = (outcome);                     \
    EXPECT_EQ(checked_outcome.signal, 0) << "killed by signal " << checked_outcome.signal \
                                         << "\n"                                          \
                                         << checked_outcome.output;                       \
    EXPECT_EQ(checked_outcome.exit_code, (code)) << checked_outcome.output;               \
    for (const std::string& fragment : std::vector<std::string>{__VA_ARGS__}) {           \
      EXPECT_NE(checked_outcome.output.find(fragment), std::string::npos)                 \
          << "message lacks '" << fragment << "':\n"                                      \
          << checked_outcome.output;                                                      \
    }                                                                                     \
  } while (false)

}  // namespace echolab::faults
