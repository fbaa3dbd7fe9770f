#pragma once

#include <filesystem>

#include "sims/sweep/problem_fingerprint.h"

namespace echolab {

/// sweep_state.json in a sweep's output folder records the fingerprint of
/// the problem whose rows results.csv holds, written before the first row.
///
/// Checks that the results in `directory`, if there are any, are rows of
/// the problem `fingerprint`, or records it when there are none yet. Throws
/// InputError, touching nothing, when they belong to another problem (or
/// carry no record of theirs), naming what changed and the way out
/// (--restart, or another output directory).
void CheckOrRecordProblem(const std::filesystem::path& directory,
                          const ProblemFingerprint& fingerprint);

/// `echolab sweep --restart`: removes the results of an earlier sweep from
/// `directory` (results.csv, seed_statistics.csv, meta.json and
/// sweep_state.json); nothing else in the folder.
void DiscardSweepResults(const std::filesystem::path& directory);

}  // namespace echolab
