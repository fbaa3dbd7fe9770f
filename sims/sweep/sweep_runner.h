#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sims/output/plotting.h"
#include "sims/sweep/sweep_config.h"

namespace echolab {

/// What one point of a sweep measured: the centred echo against the adjoint
/// of the same pass without noise (the noise-free truth of the damped
/// substrate).
struct SweepRow {
  SweepPoint point;
  std::string status = "success";  // or the reason the point could not run
  double relative_error = 0.0;
  double cosine_similarity = 0.0;
  double sign_agreement = 0.0;
  /// With thermal noise: against the pathwise gradient of the forward pass's
  /// realisation (NaN without noise or when not asked for).
  double pathwise_relative_error = 0.0;
  double pathwise_cosine_similarity = 0.0;
  /// The compared entries of dL/dθ (SweepConfig::compared): the echo's and
  /// the noise-free adjoint's (NaN when the point failed).
  Vector echo_gradient;
  Vector reference_gradient;
  /// The echo's hardware cost and the adjoint's digital cost, the values of
  /// kSweepCostColumns (sweep_cost_columns.h).
  std::vector<double> cost;
  double wall_time_s = 0.0;
};

/// Runs one point: the echo (scheme baoab and a physical nudge when there is
/// noise, the configured scheme otherwise), the CVODES adjoint and, with
/// noise, the pathwise finite-difference gradient.
SweepRow RunSweepPoint(const SweepConfig& config, const SweepPoint& point);

/// How a sweep folder's figures are drawn (recorded in its meta.json).
inline const PlotRecipe kSweepPlot{"plot_sweep.py", {}};

/// meta.json of a sweep: the run header, the pass's duration (for the
/// plots' γT axis), its integrator and the compared parameters, written
/// whole (WriteWholeFile).
void WriteSweepMetadata(const SweepConfig& config, const std::filesystem::path& path);

/// The CSV header (knobs, status, metrics, the echo's and the reference's
/// gradient per compared parameter as `echo:NAME` and `reference:NAME`, wall
/// time) and one complete row (ending in a newline).
std::string SweepCsvHeader(const std::vector<std::string>& parameter_names);
std::string SweepCsvRow(const SweepRow& row);

/// Prepares a results file for appending and returns the keys of the points
/// it already holds: creates it with the header, or checks the header of an
/// existing one and cuts off a last line that an interruption left without
/// its newline. Throws InputError when the file holds another sweep's header.
std::set<std::string> PrepareResultsFile(const std::filesystem::path& path,
                                         const std::string& header);

/// The rows of a results file by their key (SweepPoint::Key()), with the
/// knobs left at their defaults: the caller knows its points by key. Throws
/// InputError naming the file and line of a row that is not whole.
std::map<std::string, SweepRow> ReadSweepRows(const std::filesystem::path& path,
                                              size_t num_parameters);

}  // namespace echolab
