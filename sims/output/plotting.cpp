#include "sims/output/plotting.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "sims/build_info.h"

namespace echolab {
namespace {

std::string EnvironmentOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

// Single-quotes an argument for /bin/sh.
std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted.append("'\\''");
    } else {
      quoted.push_back(c);
    }
  }
  quoted.push_back('\'');
  return quoted;
}

// The folder of the plotting scripts: $ECHOLAB_PLOT_DIR; else, for an
// installed echolab, share/echolab/plot beside the executable's bin/; else
// the source tree's sims/plot (a build tree).
std::filesystem::path PlotScriptDirectory() {
  if (const char* variable = std::getenv("ECHOLAB_PLOT_DIR"); variable != nullptr && *variable) {
    return variable;
  }
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::filesystem::path installed =
        executable.parent_path().parent_path() / "share" / "echolab" / "plot";
    if (std::filesystem::is_directory(installed, error)) return installed;
  }
  return kPlotScriptDir;
}

}  // namespace

void RunPlotScript(const std::string& script, const std::vector<std::string>& args) {
  const std::string python = EnvironmentOr("ECHOLAB_PYTHON", "/usr/bin/python3");
  const std::filesystem::path directory = PlotScriptDirectory();
  std::string command = fmt::format("MPLBACKEND=Agg {} {}", ShellQuote(python),
                                    ShellQuote((directory / script).string()));
  for (const std::string& arg : args) command.append(" ").append(ShellQuote(arg));
  command.append(" 2>&1");

  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error(fmt::format("cannot run {}", python));
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe.get()) != nullptr) {
    output += buffer.data();
  }
  const int status = pclose(pipe.release());
  if (status != 0) {
    throw std::runtime_error(
        fmt::format("plotting with {} failed (exit status {}); is python3-matplotlib installed "
                    "(scripts/setup.sh)?\n{}",
                    script, WIFEXITED(status) ? WEXITSTATUS(status) : status, output));
  }
}

}  // namespace echolab
