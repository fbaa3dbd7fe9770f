#include "learning/training/dataset_split.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "common/error.h"

namespace echolab {

void SplitFractions::Validate() const {
  if (!(train > 0.0 && train < 1.0)) {
    throw InputError(fmt::format("split.train: expected a fraction in (0, 1), got {}", train));
  }
  if (!(validation > 0.0 && validation < 1.0)) {
    throw InputError(
        fmt::format("split.validation: expected a fraction in (0, 1), got {}", validation));
  }
  if (!(train + validation < 1.0)) {
    throw InputError(fmt::format(
        "split: expected train + validation < 1 so that a test set remains, got {} + {}", train,
        validation));
  }
}

DatasetSplit SplitDataset(int count, const SplitFractions& fractions, std::uint64_t seed) {
  fractions.Validate();
  const double test_fraction = 1.0 - fractions.train - fractions.validation;
  const auto subset_size = [count](double fraction) {
    return std::max(1, static_cast<int>(std::lround(fraction * count)));
  };
  const int validation_size = subset_size(fractions.validation);
  const int test_size = subset_size(test_fraction);
  if (count - validation_size - test_size < 1) {
    throw InputError(fmt::format(
        "split: {} examples leave none for training after {} for validation and {} for test", count,
        validation_size, test_size));
  }
  std::vector<int> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(seed);
  std::shuffle(order.begin(), order.end(), random);

  const auto begin = order.begin();
  DatasetSplit split{.train = {begin + validation_size + test_size, order.end()},
                     .validation = {begin, begin + validation_size},
                     .test = {begin + validation_size, begin + validation_size + test_size}};
  for (std::vector<int>* subset : {&split.train, &split.validation, &split.test}) {
    std::sort(subset->begin(), subset->end());
  }
  return split;
}

}  // namespace echolab
