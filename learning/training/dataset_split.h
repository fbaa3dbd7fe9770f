#pragma once

#include <cstdint>
#include <vector>

namespace echolab {

/// Fractions of a data set for training and validation; the rest is the test set.
struct SplitFractions {
  double train = 0.70;
  double validation = 0.15;

  /// Throws InputError naming the invalid field: each fraction in (0, 1),
  /// and their sum below 1 so that a test set remains.
  void Validate() const;
};

/// Indices of the examples of a data set in the three disjoint subsets.
struct DatasetSplit {
  std::vector<int> train;
  std::vector<int> validation;
  std::vector<int> test;
};

/// A seeded random split of examples 0..count-1: the indices are permuted with
/// std::mt19937_64(seed), the first round(validation × count) (at least one)
/// go to validation, the next round(test × count) (at least one) to test, the
/// rest to training. Each subset is sorted. Throws InputError when fewer than
/// one training example would remain.
DatasetSplit SplitDataset(int count, const SplitFractions& fractions, std::uint64_t seed);

}  // namespace echolab
