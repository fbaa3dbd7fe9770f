// The seeded split: sizes, disjointness, coverage, reproducibility.

#include "learning/training/dataset_split.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/error.h"

namespace echolab {
namespace {

using ::testing::HasSubstr;

TEST(SplitDataset, DefaultSizesAreSeventyFifteenFifteen) {
  const DatasetSplit split = SplitDataset(200, {}, 7);
  EXPECT_EQ(split.train.size(), 140u);
  EXPECT_EQ(split.validation.size(), 30u);
  EXPECT_EQ(split.test.size(), 30u);
}

TEST(SplitDataset, SubsetsAreDisjointAndCoverEveryExample) {
  const DatasetSplit split = SplitDataset(97, {.train = 0.6, .validation = 0.25}, 3);
  std::set<int> all;
  for (const auto* subset : {&split.train, &split.validation, &split.test}) {
    all.insert(subset->begin(), subset->end());
  }
  EXPECT_EQ(all.size(), 97u);
  EXPECT_EQ(*all.begin(), 0);
  EXPECT_EQ(*all.rbegin(), 96);
  EXPECT_EQ(split.train.size() + split.validation.size() + split.test.size(), 97u);
}

TEST(SplitDataset, TheSeedFixesTheSplit) {
  const DatasetSplit a = SplitDataset(50, {}, 11), b = SplitDataset(50, {}, 11);
  const DatasetSplit c = SplitDataset(50, {}, 12);
  EXPECT_EQ(a.test, b.test);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_NE(a.test, c.test);
  // Not simply the first or last examples.
  EXPECT_NE(a.test.back() - a.test.front() + 1, static_cast<int>(a.test.size()));
}

TEST(SplitDataset, SmallSetsKeepOneExampleInEachHeldOutSubset) {
  const DatasetSplit split = SplitDataset(3, {}, 1);
  EXPECT_EQ(split.train.size(), 1u);
  EXPECT_EQ(split.validation.size(), 1u);
  EXPECT_EQ(split.test.size(), 1u);
  EXPECT_THAT([] { SplitDataset(2, {}, 1); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("none for training")));
}

TEST(SplitFractions, ValidateNamesTheBadField) {
  EXPECT_THAT([] { SplitFractions{.train = 1.2}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("split.train")));
  EXPECT_THAT([] { SplitFractions{.validation = 0.0}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("split.validation")));
  EXPECT_THAT(([] { SplitFractions{.train = 0.8, .validation = 0.2}.Validate(); }),
              ::testing::ThrowsMessage<InputError>(HasSubstr("test set")));
}

}  // namespace
}  // namespace echolab
