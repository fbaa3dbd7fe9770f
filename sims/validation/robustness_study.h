#pragma once

#include <filesystem>
#include <vector>

#include "sims/validation/validation_check.h"
#include "sims/validation/validation_problems.h"

namespace echolab {

/// (g, h) A small robustness sweep on a validation problem, written to
/// robustness/results.csv and plotted by plot_sweep.py:
///   (g) error against the damping rate γ for the naive, gain and reweighted
///       gain echoes (noise-free);
///   (h) error against β for several thermal-noise levels (naive echo, the
///       smallest γ, mean over seeds): the U-shaped curve and its optimum;
/// and the heat map of the error over β and kB T. Its meta.json records
/// `figure_format` (png, svg or pdf) for the figures.
std::vector<ValidationCheck> RobustnessStudy(const ValidationProblem& v,
                                             const std::filesystem::path& dir,
                                             const std::string& figure_format = "png");

}  // namespace echolab
