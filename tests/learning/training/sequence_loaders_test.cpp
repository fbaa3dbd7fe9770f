// The .ts and CSV loaders on hand-written files, good and malformed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "learning/training/loaders/csv_sequence_loader.h"
#include "learning/training/loaders/ts_file_loader.h"

namespace echolab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string WriteFile(const std::string& name, const std::string& text) {
  const fs::path directory = fs::temp_directory_path() / "echolab_loader_test";
  fs::create_directories(directory);
  const fs::path path = directory / name;
  std::ofstream(path) << text;
  return path.string();
}

constexpr const char* kTsHeader =
    "# A hand-written problem\n"
    "@problemName Tiny\n"
    "@timeStamps false\n"
    "@missing false\n"
    "@univariate false\n"
    "@dimensions 2\n"
    "@equalLength true\n"
    "@seriesLength 3\n"
    "@classLabel true up down\n"
    "@data\n";

TEST(TsLoader, ReadsAMultivariateFile) {
  const std::string path =
      WriteFile("good.ts", std::string(kTsHeader) + "1,2,3:4,5,6:down\n\n0.5,-1e-3,2:0,0,1:up\n");
  const SequenceDataset data = LoadTsFile(path);
  EXPECT_EQ(data.name, "Tiny");
  EXPECT_EQ(data.kind, SequenceTaskKind::kClassification);
  EXPECT_EQ(data.input_channels, 2);
  EXPECT_EQ(data.classes, 2);
  ASSERT_EQ(data.examples.size(), 2u);
  EXPECT_EQ(data.examples[0].label, 1);
  EXPECT_EQ(data.examples[1].label, 0);
  const Eigen::MatrixXd expected{{1, 4}, {2, 5}, {3, 6}};
  EXPECT_EQ(data.examples[0].inputs, expected);
  EXPECT_EQ(data.examples[1].inputs(1, 0), -1e-3);
}

TEST(TsLoader, ReadsAUnivariateFileWithoutOptionalHeaders) {
  const std::string path = WriteFile(
      "uni.ts", "@problemName U\n@univariate true\n@classLabel true 1 2 3\n@data\n1,2:3\n4,5:1\n");
  const SequenceDataset data = LoadTsFile(path);
  EXPECT_EQ(data.input_channels, 1);
  EXPECT_EQ(data.examples[0].label, 2);
  EXPECT_EQ(data.examples[1].inputs.rows(), 2);
}

struct BadFile {
  std::string name;
  std::string text;
  std::string message;  // expected in the error after "FILE:LINE: "
};

class TsLoaderRefuses : public ::testing::TestWithParam<BadFile> {};

TEST_P(TsLoaderRefuses, NamingFileLineAndWhatWasExpected) {
  const BadFile& bad = GetParam();
  const std::string path = WriteFile(bad.name + ".ts", bad.text);
  EXPECT_THAT([&] { LoadTsFile(path); },
              ::testing::ThrowsMessage<InputError>(HasSubstr(path + ":" + bad.message)));
}

INSTANTIATE_TEST_SUITE_P(
    MalformedFiles, TsLoaderRefuses,
    ::testing::Values(
        BadFile{"wrong_length", std::string(kTsHeader) + "1,2,3:4,5,6:up\n1,2:3,4:up\n",
                "12: dimension 1: expected 3 values"},
        BadFile{"missing_value", std::string(kTsHeader) + "1,?,3:4,5,6:up\n",
                "11: dimension 1: missing values"},
        BadFile{"not_a_number", std::string(kTsHeader) + "1,2,3:4,x,6:up\n",
                "11: dimension 2: expected a number, got 'x'"},
        BadFile{"unknown_label", std::string(kTsHeader) + "1,2,3:4,5,6:left\n",
                "11: class label 'left' is not one of @classLabel up down"},
        BadFile{"wrong_dimensions", std::string(kTsHeader) + "1,2,3:up\n",
                "11: expected 2 dimension(s)"},
        BadFile{"unequal", "@problemName P\n@equalLength false\n", "2: @equalLength false"},
        BadFile{"time_stamps", "@timeStamps true\n", "1: @timeStamps true is not supported"},
        BadFile{"regression", "@targetLabel true\n", "1: @targetLabel"},
        BadFile{"no_labels", "@problemName P\n@data\n1,2:a\n", "2: @data: expected @classLabel"},
        BadFile{"bad_boolean", "@univariate maybe\n", "1: @univariate: expected true or false"},
        BadFile{"unknown_header", "@colour blue\n", "1: unknown header '@colour'"},
        BadFile{"data_before_header", "1,2:a\n", "1: expected a header line"},
        BadFile{"no_data", "@problemName P\n@classLabel true a b\n", "2: expected an @data line"},
        BadFile{"empty_data", "@classLabel true a b\n@data\n", "2: expected at least one sequence"},
        BadFile{"huge_length", "@seriesLength 1e300\n",
                "1: @seriesLength: expected a positive integer up to 2147483647"},
        BadFile{"nan_dimensions", "@dimensions nan\n", "1: @dimensions: expected a positive"}),
    [](const ::testing::TestParamInfo<BadFile>& file) { return file.param.name; });

TEST(CsvLoader, ReadsClassificationSequences) {
  const std::string path = WriteFile("classes.csv",
                                     "sequence,x1,x2,label\n"
                                     "7,0.1,1,2\n"
                                     "7,0.2,2,2\n"
                                     "3,0.3,3,0\n"
                                     "3,0.4,4,0\n"
                                     "3,0.5,5,0\n");
  const SequenceDataset data = LoadCsvSequences(path);
  EXPECT_EQ(data.kind, SequenceTaskKind::kClassification);
  EXPECT_EQ(data.classes, 3);
  ASSERT_EQ(data.examples.size(), 2u);
  EXPECT_EQ(data.examples[0].label, 2);
  EXPECT_EQ(data.examples[1].inputs, (Eigen::MatrixXd{{0.3, 3}, {0.4, 4}, {0.5, 5}}));
}

TEST(CsvLoader, ReadsRegressionTargetsSubSampled) {
  const std::string path = WriteFile("regression.csv",
                                     "sequence,x1,y1\n"
                                     "0,1,10\n0,2,20\n0,3,30\n0,4,40\n0,5,50\n");
  const SequenceDataset data = LoadCsvSequences(path, 2);
  EXPECT_EQ(data.kind, SequenceTaskKind::kRegression);
  EXPECT_EQ(data.output_channels, 1);
  // Rows of steps 1 and 3 (output_step 2).
  EXPECT_EQ(data.examples[0].targets, (Eigen::MatrixXd{{20}, {40}}));
}

class CsvLoaderRefuses : public ::testing::TestWithParam<BadFile> {};

TEST_P(CsvLoaderRefuses, NamingFileLineAndWhatWasExpected) {
  const BadFile& bad = GetParam();
  const std::string path = WriteFile(bad.name + ".csv", bad.text);
  EXPECT_THAT([&] { LoadCsvSequences(path); },
              ::testing::ThrowsMessage<InputError>(HasSubstr(path + ":" + bad.message)));
}

INSTANTIATE_TEST_SUITE_P(
    MalformedFiles, CsvLoaderRefuses,
    ::testing::Values(
        BadFile{"empty", "", "0: expected a header line"},
        BadFile{"no_sequence", "id,x1,label\n", "1: expected the first column to be 'sequence'"},
        BadFile{"bad_column", "sequence,x1,z,label\n", "1: column 3 'z'"},
        BadFile{"no_inputs", "sequence,label\n", "1: expected at least one input column"},
        BadFile{"no_outputs", "sequence,x1\n", "1: expected a 'label' column"},
        BadFile{"short_row", "sequence,x1,label\n0,1\n", "2: expected 3 comma-separated values"},
        BadFile{"text", "sequence,x1,label\n0,one,1\n", "2: column 2: expected a number"},
        BadFile{"label_changes", "sequence,x1,label\n0,1,1\n0,2,0\n",
                "3: label: sequence 0 changes its class"},
        BadFile{"negative_label", "sequence,x1,label\n0,1,-1\n",
                "2: label: expected a non-negative"},
        BadFile{"split_sequence", "sequence,x1,label\n0,1,1\n1,1,0\n0,2,1\n",
                "4: sequence 0 appears again"},
        BadFile{"no_rows", "sequence,x1,y1\n", "1: expected at least one data row"},
        BadFile{"huge_id", "sequence,x1,label\n1e300,1,1\n", "2: sequence: expected an integer id"},
        BadFile{"huge_label", "sequence,x1,label\n0,1,1e300\n",
                "2: label: expected a non-negative"}),
    [](const ::testing::TestParamInfo<BadFile>& file) { return file.param.name; });

}  // namespace
}  // namespace echolab
