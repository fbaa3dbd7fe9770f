#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "sims/sweep/sweep_row.h"

namespace echolab {

/// The echo over the seeds of one group of points, points that differ only
/// in their seed (the same knobs, independent realisations of the noise and
/// imperfections). With g_s the echo's gradient for seed s, ḡ their mean
/// and r the noise-free reference (the same for every seed):
///
///   bias   = |ḡ - r| / |r|
///   spread = sqrt( Σ_s |g_s - ḡ|² / (S - 1) ) / |r|
///
/// so that the mean squared relative error over seeds is
/// bias² + (S - 1)/S spread², and the bias is known to about spread / √S.
struct SeedGroupStatistics {
  SweepPoint point;  // the group's knobs; its seed is the first of the group
  int seeds = 0;     // points of the group that succeeded
  int failed = 0;    // and that failed (left out of the statistics)
  double bias_relative = 0.0;
  double spread_relative = 0.0;  // NaN with fewer than two seeds
  double mean_relative_error = 0.0;
  double mean_cosine_similarity = 0.0;
  double mean_sign_agreement = 0.0;
  double mean_pathwise_relative_error = 0.0;  // NaN where there is no pathwise reference
};

/// One entry per group, in the order of the groups' first points. `rows`
/// holds the row of every point by its key.
std::vector<SeedGroupStatistics> SummariseSeeds(const std::vector<SweepPoint>& points,
                                                const std::map<std::string, SweepRow>& rows);

/// Writes seed_statistics.csv whole (WriteWholeFile: a temporary file and a
/// rename, every write checked):
/// the knobs without the seed, then seeds, failed and the statistics.
void WriteSeedStatistics(const std::vector<SeedGroupStatistics>& groups,
                         const std::filesystem::path& path);

}  // namespace echolab
