#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace echolab {

/// A plotting script failed (matplotlib missing, a full disk, a bug in the
/// script). The data files it would have drawn are kept: the command line
/// exits with kExitPlotFailed and says how to redraw them.
class PlotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The exit code of a run whose results were written but whose figures
/// could not be drawn.
inline constexpr int kExitPlotFailed = 3;

/// How an output folder's figures are drawn: a script of sims/plot/, run as
///   PYTHON SCRIPT FOLDER ARGUMENTS...
/// Each command records its recipe in the folder's metadata (meta.json or
/// summary.json, key "plot"), so that `echolab plot FOLDER` redraws it.
struct PlotRecipe {
  std::string script;
  std::vector<std::string> arguments;
};

nlohmann::json ToJson(const PlotRecipe& recipe);

/// Runs the recipe on `folder` with Debian's matplotlib. PYTHON is
/// $ECHOLAB_PYTHON or /usr/bin/python3; the scripts are in $ECHOLAB_PLOT_DIR,
/// else share/echolab/plot beside an installed executable, else the source
/// tree's sims/plot. Throws PlotError with the script's output on failure.
void DrawPlots(const PlotRecipe& recipe, const std::filesystem::path& folder);

/// The same, returning the failure's message instead of throwing it.
std::optional<std::string> TryDrawPlots(const PlotRecipe& recipe,
                                        const std::filesystem::path& folder);

/// Redraws a finished output folder from the recipes recorded in it and in
/// its immediate subfolders; returns how many folders were drawn. Throws
/// InputError when there is none, PlotError when a script fails.
int RedrawFolder(const std::filesystem::path& folder);

/// Prints that the figures of `destination` could not be drawn (with
/// `message`), that its data is complete, and how to redraw it; returns
/// kExitPlotFailed.
int ReportPlotFailure(const std::string& message, const std::filesystem::path& destination);

}  // namespace echolab
