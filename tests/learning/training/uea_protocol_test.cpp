// The UEA protocol's steps: merging the TRAIN and TEST parts, removing repeated
// sequences, appending a time channel.

#include "learning/training/loaders/uea_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace echolab {
namespace {

SequenceExample Example(std::initializer_list<double> values, int label) {
  SequenceExample example;
  example.inputs = Eigen::Map<const Eigen::VectorXd>(values.begin(),
                                                     static_cast<Eigen::Index>(values.size()));
  example.label = label;
  return example;
}

SequenceDataset Dataset(const std::string& name, std::vector<SequenceExample> examples) {
  SequenceDataset data;
  data.name = name;
  data.input_channels = 1;
  data.classes = 2;
  data.examples = std::move(examples);
  return data;
}

TEST(UeaProtocol, MergeKeepsTheOrderOfThePartsAndTheirExamples) {
  const SequenceDataset merged = MergeDatasets(
      {Dataset("train", {Example({1, 2}, 0), Example({3, 4}, 1)}), Dataset("test", {Example({5, 6}, 1)})});
  ASSERT_EQ(merged.examples.size(), 3u);
  EXPECT_EQ(merged.name, "train");
  EXPECT_EQ(merged.examples[2].inputs(0, 0), 5.0);
  EXPECT_EQ(merged.examples[1].label, 1);
}

TEST(UeaProtocol, MergeRefusesPartsOfAnotherShape) {
  SequenceDataset other = Dataset("test", {Example({5, 6}, 1)});
  other.classes = 3;
  try {
    MergeDatasets({Dataset("train", {Example({1, 2}, 0)}), other});
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("files[1] (test)"));
    EXPECT_THAT(error.what(), ::testing::HasSubstr("3 classes"));
  }
}

// A repeat needs the same inputs and the same label; the first occurrence stays.
TEST(UeaProtocol, RemovesExactRepeatsOnlyKeepingTheFirst) {
  SequenceDataset data = Dataset("d", {Example({1, 2}, 0), Example({1, 2}, 1), Example({3, 4}, 0),
                                       Example({1, 2}, 0), Example({1, 2.0000000001}, 0),
                                       Example({3, 4}, 0)});
  EXPECT_EQ(RemoveDuplicateSequences(data), 2);
  ASSERT_EQ(data.examples.size(), 4u);
  EXPECT_EQ(data.examples[0].label, 0);
  EXPECT_EQ(data.examples[1].label, 1);
  EXPECT_EQ(data.examples[2].inputs(0, 0), 3.0);
  EXPECT_EQ(data.examples[3].inputs(1, 0), 2.0000000001);
}

TEST(UeaProtocol, TimeChannelIsStepOverLength) {
  SequenceDataset data = Dataset("d", {Example({7, 8, 9, 10}, 0)});
  AppendTimeChannel(data);
  EXPECT_EQ(data.input_channels, 2);
  const Eigen::MatrixXd& inputs = data.examples[0].inputs;
  ASSERT_EQ(inputs.cols(), 2);
  EXPECT_EQ(inputs(3, 0), 10.0);
  for (int k = 0; k < 4; ++k) EXPECT_DOUBLE_EQ(inputs(k, 1), k / 4.0) << k;
}

}  // namespace
}  // namespace echolab
