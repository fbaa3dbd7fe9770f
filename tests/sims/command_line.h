#pragma once

// Runs the echolab executable as a user would, for the command-line tests.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace echolab::testing {

struct CommandResult {
  int exit_code;
  std::string output;  // stdout, then stderr when merged
};

/// A scratch folder of this test process under the system's temporary
/// folder, so that test runs side by side (ctest -j, several build trees)
/// never share one: echolab_tests_<pid>/<name>.
inline std::filesystem::path ScratchDirectory(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("echolab_tests_" + std::to_string(getpid())) /
         name;
}

/// The whole content of a file (empty when it cannot be read).
inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Runs a shell command line and collects its standard output.
inline CommandResult RunShell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    output += buffer.data();
  }
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

/// Runs `echolab ARGUMENTS`; `merge_stderr` appends 2>&1.
inline CommandResult RunEcholab(const std::string& arguments, bool merge_stderr = true) {
  return RunShell(std::string(ECHOLAB_BINARY) + " " + arguments +
                  (merge_stderr ? " 2>&1" : " 2>/dev/null"));
}

}  // namespace echolab::testing
