#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "physics/phase_state.h"
#include "sims/sweep/sweep_point.h"

namespace echolab {

/// What one point of a sweep measured: the centred echo against the adjoint
/// of the same pass without noise (the noise-free truth of the damped
/// substrate). One line of results.csv.
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

/// One column of results.csv after the knobs' (SweepKnobs()): a text
/// (quoted), a number (full precision), a vector with one column
/// `NAME:PARAMETER` per compared parameter, or named numbers (one column per
/// name of `names`).
struct SweepResultColumn {
  std::string_view name;
  std::variant<std::string SweepRow::*, double SweepRow::*, Vector SweepRow::*,
               std::vector<double> SweepRow::*>
      field;
  /// A measured time: differs from run to run (written to 4 digits).
  bool timing = false;
  /// The names of a field of named numbers.
  const std::vector<std::string>* names = nullptr;
};

/// The columns after the knobs, in order: status, the metrics, the echo's
/// and the reference's gradient, the wall time. A new column of results.csv
/// is one field of SweepRow and one entry here.
const std::vector<SweepResultColumn>& SweepResultColumns();

/// The CSV header (the knobs, then SweepResultColumns()) and one complete
/// row (ending in a newline).
std::string SweepCsvHeader(const std::vector<std::string>& parameter_names);
std::string SweepCsvRow(const SweepRow& row);

/// The fields of one CSV line; a quoted field may hold commas and doubled
/// quotes.
std::vector<std::string> SplitCsvLine(const std::string& line);

/// Prepares a results file for appending and returns the keys of the points
/// it already holds: creates it with the header, or checks the header of an
/// existing one and cuts off a last line that an interruption left without
/// its newline. Throws InputError when the file holds another sweep's header.
std::set<std::string> PrepareResultsFile(const std::filesystem::path& path,
                                         const std::string& header);

/// Rewrites a results file (whole, atomically) with its rows in the order of
/// `points` (the grid's order, seed innermost), whatever order the threads or
/// MPI ranks finished them in, so that a sweep's file is the same row for row
/// (but for the timings) on one thread, on many, or on many ranks. Rows of
/// points not in `points` keep their order at the end.
void WriteResultsInGridOrder(const std::vector<SweepPoint>& points,
                             const std::filesystem::path& path);

/// The rows of a results file by their key (SweepPoint::Key()), with the
/// knobs left at their defaults: the caller knows its points by key. Throws
/// InputError naming the file and line of a row that is not whole.
std::map<std::string, SweepRow> ReadSweepRows(const std::filesystem::path& path,
                                              size_t num_parameters);

}  // namespace echolab
