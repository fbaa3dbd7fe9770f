#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sims/output/plotting.h"
#include "sims/sweep/sweep_config.h"
#include "sims/sweep/sweep_row.h"

namespace echolab {

/// Runs one point: the echo (scheme baoab and a physical nudge when there is
/// noise, the configured scheme otherwise), the CVODES adjoint and, with
/// noise, the pathwise finite-difference gradient.
SweepRow RunSweepPoint(const SweepConfig& config, const SweepPoint& point);

/// How a sweep folder's figures are drawn (recorded in its meta.json).
inline PlotRecipe SweepPlot(const std::string& figure_format) {
  return {"plot_sweep.py", {}, figure_format};
}

/// meta.json of a sweep: the run header, the pass's duration (for the
/// plots' γT axis), its integrator, the compared parameters, the knobs (the
/// columns of results.csv before `status`, with their units) and how its
/// figures are drawn (SweepPlot), written whole (WriteWholeFile).
void WriteSweepMetadata(const SweepConfig& config, const std::filesystem::path& path,
                        const std::string& figure_format = "png");

}  // namespace echolab
