#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sims/config/config_table.h"

namespace echolab {

/// What determines the rows of a sweep apart from each point's knobs, as one
/// hash per part:
///   "format"          the layout of results.csv (kSweepResultsFormat);
///   "configuration"   the parsed configuration file (keys sorted, comments
///                     and layout gone) without the grid of [sweep];
///   "file:PATH"       the contents of every file the configuration names
///                     (netlists, targets, sampled inputs), PATH as written.
/// A sweep resumes the rows of an output folder only under an equal
/// fingerprint: any change of the problem changes it, and a change of the
/// grid (points added or removed) does not, since each row's key names its
/// point.
using ProblemFingerprint = std::map<std::string, std::string>;

/// The version of the results' layout; raise it when a row of the same point
/// would read differently.
inline constexpr int kSweepResultsFormat = 1;

/// The fingerprint of the configuration `root`, leaving out the keys
/// `grid_keys` of its [sweep] table.
ProblemFingerprint FingerprintProblem(const ConfigTable& root,
                                      const std::vector<std::string_view>& grid_keys);

}  // namespace echolab
