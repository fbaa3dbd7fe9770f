#include "sims/sweep/seed_statistics.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "common/output_file.h"

namespace echolab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The statistics of one group's successful rows against their reference.
void Summarise(const std::vector<const SweepRow*>& rows, SeedGroupStatistics* group) {
  group->seeds = static_cast<int>(rows.size());
  if (rows.empty()) {
    group->bias_relative = group->spread_relative = group->mean_relative_error =
        group->mean_cosine_similarity = group->mean_sign_agreement =
            group->mean_pathwise_relative_error = kNaN;
    return;
  }
  const double count = static_cast<double>(rows.size());
  const Vector& reference = rows.front()->reference_gradient;
  Vector mean = Vector::Zero(reference.size());
  for (const SweepRow* row : rows) {
    mean += row->echo_gradient / count;
    group->mean_relative_error += row->relative_error / count;
    group->mean_cosine_similarity += row->cosine_similarity / count;
    group->mean_sign_agreement += row->sign_agreement / count;
    group->mean_pathwise_relative_error += row->pathwise_relative_error / count;
  }
  double squares = 0.0;
  for (const SweepRow* row : rows) squares += (row->echo_gradient - mean).squaredNorm();
  const double scale = reference.norm();
  // bias = |ḡ - r| / |r|, spread = sqrt(Σ |g_s - ḡ|² / (S - 1)) / |r|
  group->bias_relative = (mean - reference).norm() / scale;
  group->spread_relative = rows.size() > 1 ? std::sqrt(squares / (count - 1.0)) / scale : kNaN;
}

}  // namespace

std::vector<SeedGroupStatistics> SummariseSeeds(const std::vector<SweepPoint>& points,
                                                const std::map<std::string, SweepRow>& rows) {
  std::vector<std::string> order;
  std::map<std::string, SeedGroupStatistics> groups;
  std::map<std::string, std::vector<const SweepRow*>> successes;
  for (const SweepPoint& point : points) {
    const std::string key = point.KeyWithoutSeed();
    if (groups.count(key) == 0) {
      order.push_back(key);
      groups[key].point = point;
    }
    const auto row = rows.find(point.Key());
    if (row == rows.end()) {
      throw InputError(fmt::format("sweep: no result for the point {}", point.Key()));
    }
    if (row->second.status == "success") {
      successes[key].push_back(&row->second);
    } else {
      ++groups[key].failed;
    }
  }
  std::vector<SeedGroupStatistics> summary;
  for (const std::string& key : order) {
    Summarise(successes[key], &groups[key]);
    summary.push_back(groups[key]);
  }
  return summary;
}

void WriteSeedStatistics(const std::vector<SeedGroupStatistics>& groups,
                         const std::filesystem::path& path) {
  std::string csv;
  for (const SweepKnob& knob : SweepKnobs()) {
    if (knob.name != kSeedKnob) csv += fmt::format("{},", knob.name);
  }
  csv +=
      "seeds,failed,bias_relative,spread_relative,mean_relative_error,"
      "mean_cosine_similarity,mean_sign_agreement,mean_pathwise_relative_error\n";
  for (const SeedGroupStatistics& group : groups) {
    csv += fmt::format("{},{},{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g}\n",
                       group.point.KeyWithoutSeed(), group.seeds, group.failed,
                       group.bias_relative, group.spread_relative, group.mean_relative_error,
                       group.mean_cosine_similarity, group.mean_sign_agreement,
                       group.mean_pathwise_relative_error);
  }
  WriteFileAtomically(path, csv);
}

}  // namespace echolab
