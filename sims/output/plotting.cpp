#include "sims/output/plotting.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "common/error.h"
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

// The recipe recorded in a folder's meta.json or summary.json, if any.
std::optional<PlotRecipe> RecordedRecipe(const std::filesystem::path& folder) {
  for (const char* name : {"meta.json", "summary.json"}) {
    std::ifstream in(folder / name);
    if (!in) continue;
    const nlohmann::json meta = nlohmann::json::parse(in, nullptr, false);
    if (meta.is_discarded() || !meta.contains("plot")) continue;
    PlotRecipe recipe;
    try {
      // Folders of earlier versions record no format: they drew PNGs.
      recipe = PlotRecipe{meta["plot"].at("script").get<std::string>(),
                          meta["plot"].at("arguments").get<std::vector<std::string>>(),
                          meta["plot"].value("format", std::string("png"))};
    } catch (const nlohmann::json::exception& error) {
      throw InputError(
          fmt::format("{}: malformed \"plot\" entry: {}", (folder / name).string(), error.what()));
    }
    if (std::find(kFigureFormats.begin(), kFigureFormats.end(), recipe.format) ==
        kFigureFormats.end()) {
      throw InputError(fmt::format("{}: \"plot\".\"format\": expected png, svg or pdf, got '{}'",
                                   (folder / name).string(), recipe.format));
    }
    return recipe;
  }
  return std::nullopt;
}

}  // namespace

nlohmann::json ToJson(const PlotRecipe& recipe) {
  return {{"script", recipe.script}, {"arguments", recipe.arguments}, {"format", recipe.format}};
}

void DrawPlots(const PlotRecipe& recipe, const std::filesystem::path& folder) {
  const std::string python = EnvironmentOr("ECHOLAB_PYTHON", "/usr/bin/python3");
  std::string command = fmt::format("MPLBACKEND=Agg {} {} {}", ShellQuote(python),
                                    ShellQuote((PlotScriptDirectory() / recipe.script).string()),
                                    ShellQuote(folder.string()));
  for (const std::string& argument : recipe.arguments) {
    command.append(" ").append(ShellQuote(argument));
  }
  command.append(" --format ").append(ShellQuote(recipe.format)).append(" 2>&1");

  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw PlotError(fmt::format("cannot run {}", python));
  std::string output;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe.get()) != nullptr) {
    output += buffer.data();
  }
  const int status = pclose(pipe.release());
  if (status != 0) {
    throw PlotError(
        fmt::format("plotting with {} failed (exit status {}); is python3-matplotlib installed "
                    "(scripts/setup.sh)?\n{}",
                    recipe.script, WIFEXITED(status) ? WEXITSTATUS(status) : status, output));
  }
}

std::optional<std::string> TryDrawPlots(const PlotRecipe& recipe,
                                        const std::filesystem::path& folder) {
  try {
    DrawPlots(recipe, folder);
    return std::nullopt;
  } catch (const PlotError& error) {
    return std::string(error.what());
  }
}

int RedrawFolder(const std::filesystem::path& folder, const std::optional<std::string>& format) {
  if (!std::filesystem::is_directory(folder)) {
    throw InputError(
        fmt::format("{}: not a folder; expected an echolab output folder", folder.string()));
  }
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  folders.push_back(folder);
  int drawn = 0;
  for (const std::filesystem::path& candidate : folders) {
    if (std::optional<PlotRecipe> recipe = RecordedRecipe(candidate)) {
      if (format) recipe->format = *format;
      DrawPlots(*recipe, candidate);
      ++drawn;
    }
  }
  if (drawn == 0) {
    throw InputError(fmt::format(
        "{}: no figures to draw: no meta.json or summary.json in it records a plot (gradcheck "
        "draws no figures, and folders written by earlier versions of echolab record none)",
        folder.string()));
  }
  return drawn;
}

int ReportPlotFailure(const std::string& message, const std::filesystem::path& destination) {
  fmt::print(stderr,
             "echolab: the results are complete in {}, but drawing their figures failed:\n{}\n"
             "Redraw them with: echolab plot {}\n",
             destination.string(), message, destination.string());
  return kExitPlotFailed;
}

}  // namespace echolab
