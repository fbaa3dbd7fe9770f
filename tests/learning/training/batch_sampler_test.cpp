// Mini-batches: every epoch visits each example once; a restored sampler
// continues with the same batches.

#include "learning/training/batch_sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "common/error.h"

namespace echolab {
namespace {

TEST(BatchSampler, EachEpochVisitsEveryExampleOnce) {
  BatchSampler sampler(10, 3, 5);
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<int> seen;
    std::vector<size_t> sizes;
    for (int b = 0; b < 4; ++b) {
      const std::vector<int> batch = sampler.NextBatch();
      sizes.push_back(batch.size());
      seen.insert(seen.end(), batch.begin(), batch.end());
    }
    EXPECT_EQ(sampler.epoch(), epoch);
    EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 3, 1}));
    std::sort(seen.begin(), seen.end());
    std::vector<int> expected(10);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(seen, expected);
  }
}

TEST(BatchSampler, EpochsAreShuffledDifferently) {
  BatchSampler sampler(20, 20, 1);
  const std::vector<int> first = sampler.NextBatch();
  const std::vector<int> second = sampler.NextBatch();
  EXPECT_NE(first, second);
}

TEST(BatchSampler, RestoredStateContinuesBitForBit) {
  BatchSampler original(13, 4, 9);
  for (int b = 0; b < 6; ++b) original.NextBatch();
  BatchSampler restored(13, 4, 12345);
  restored.Restore(original.State());
  for (int b = 0; b < 10; ++b) EXPECT_EQ(restored.NextBatch(), original.NextBatch());
}

TEST(BatchSampler, RefusesAStateOfAnotherSize) {
  BatchSampler other(5, 2, 1);
  BatchSampler sampler(6, 2, 1);
  EXPECT_THROW(sampler.Restore(other.State()), InputError);
  BatchSamplerState broken = sampler.State();
  broken.random_state = "not numbers";
  EXPECT_THROW(sampler.Restore(broken), InputError);
  EXPECT_THROW(BatchSampler(6, 0, 1), InputError);
}

}  // namespace
}  // namespace echolab
