#include "learning/training/loaders/ts_file_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <sstream>

#include "learning/training/loaders/text_lines.h"
#include "physics/lower_case.h"

namespace echolab {
namespace {

std::vector<std::string> Words(const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

// What the header says, as far as it has been read.
struct TsHeader {
  std::string problem_name;
  int dimensions = 0;      // 0: not given
  long series_length = 0;  // 0: not given
  bool univariate = false;
  std::vector<std::string> class_labels;
};

bool ReadBoolean(const TextLines& lines, const std::string& keyword,
                 const std::vector<std::string>& words) {
  if (words.size() == 2 && Lower(words[1]) == "true") return true;
  if (words.size() == 2 && Lower(words[1]) == "false") return false;
  lines.Fail(fmt::format("{}: expected true or false", keyword));
}

// A count from 1 to the largest int, range-checked as a double before the cast.
long ReadCount(const TextLines& lines, const std::string& keyword,
               const std::vector<std::string>& words) {
  constexpr double kMaxCount = std::numeric_limits<int>::max();
  double value = 0.0;
  if (words.size() != 2 || !ParseNumber(words[1], &value) || !(value >= 1 && value <= kMaxCount) ||
      value != std::floor(value)) {
    lines.Fail(fmt::format("{}: expected a positive integer up to {}", keyword, kMaxCount));
  }
  return static_cast<long>(value);
}

// One header line (starting with '@'); returns true at @data.
bool ReadHeaderLine(const TextLines& lines, const std::string& line, TsHeader* header) {
  const std::vector<std::string> words = Words(line);
  const std::string keyword = Lower(words[0]);
  if (keyword == "@data") return true;
  if (keyword == "@problemname") {
    if (words.size() < 2) lines.Fail("@problemName: expected a name");
    header->problem_name = words[1];
  } else if (keyword == "@timestamps") {
    if (ReadBoolean(lines, words[0], words)) lines.Fail("@timeStamps true is not supported");
  } else if (keyword == "@univariate") {
    header->univariate = ReadBoolean(lines, words[0], words);
  } else if (keyword == "@dimensions" || keyword == "@dimension") {
    header->dimensions = static_cast<int>(ReadCount(lines, words[0], words));
  } else if (keyword == "@equallength") {
    if (!ReadBoolean(lines, words[0], words)) {
      lines.Fail("@equalLength false: sequences of unequal length are not supported");
    }
  } else if (keyword == "@serieslength") {
    header->series_length = ReadCount(lines, words[0], words);
  } else if (keyword == "@missing") {
    ReadBoolean(lines, words[0], words);  // missing values are refused where they occur
  } else if (keyword == "@classlabel") {
    if (!ReadBoolean(lines, words[0], {words[0], words.size() > 1 ? words[1] : ""})) {
      lines.Fail("@classLabel false: only classification data sets are supported");
    }
    header->class_labels.assign(words.begin() + 2, words.end());
    if (header->class_labels.size() < 2) {
      lines.Fail("@classLabel true: expected at least two class labels after 'true'");
    }
  } else if (keyword == "@targetlabel") {
    lines.Fail("@targetLabel: regression .ts files are not supported; expected @classLabel");
  } else {
    lines.Fail(fmt::format(
        "unknown header '{}'; expected @problemName, @timeStamps, @univariate, @dimensions, "
        "@equalLength, @seriesLength, @missing, @classLabel or @data",
        words[0]));
  }
  return false;
}

// The values of one dimension of a data line.
std::vector<double> ReadSeries(const TextLines& lines, const std::string& text, size_t dimension) {
  std::vector<double> values;
  for (const std::string& field : SplitFields(text, ',')) {
    double value = 0.0;
    if (Trimmed(field) == "?") {
      lines.Fail(
          fmt::format("dimension {}: missing values ('?') are not supported", dimension + 1));
    }
    if (!ParseNumber(field, &value)) {
      lines.Fail(fmt::format("dimension {}: expected a number, got '{}'", dimension + 1, field));
    }
    values.push_back(value);
  }
  return values;
}

SequenceExample ReadDataLine(const TextLines& lines, const std::string& line, TsHeader* header) {
  const std::vector<std::string> fields = SplitFields(line, ':');
  const size_t dimensions = fields.size() - 1;
  if (header->dimensions == 0) header->dimensions = static_cast<int>(dimensions);
  if (dimensions < 1 || dimensions != static_cast<size_t>(header->dimensions)) {
    lines.Fail(
        fmt::format("expected {} dimension(s) separated by ':' and the class label last, "
                    "got {} field(s)",
                    header->dimensions, fields.size()));
  }
  if (header->univariate && dimensions != 1) {
    lines.Fail(fmt::format("@univariate true: expected one dimension, got {}", dimensions));
  }
  SequenceExample example;
  for (size_t d = 0; d < dimensions; ++d) {
    const std::vector<double> series = ReadSeries(lines, fields[d], d);
    if (header->series_length == 0) header->series_length = static_cast<long>(series.size());
    if (static_cast<long>(series.size()) != header->series_length) {
      lines.Fail(
          fmt::format("dimension {}: expected {} values (all sequences of equal length), got {}",
                      d + 1, header->series_length, series.size()));
    }
    if (d == 0) example.inputs.resize(header->series_length, static_cast<Eigen::Index>(dimensions));
    example.inputs.col(static_cast<Eigen::Index>(d)) =
        Eigen::Map<const Eigen::VectorXd>(series.data(), header->series_length);
  }
  const std::string label = Trimmed(fields.back());
  const auto& labels = header->class_labels;
  const auto found = std::find(labels.begin(), labels.end(), label);
  if (found == labels.end()) {
    lines.Fail(fmt::format("class label '{}' is not one of @classLabel {}", label,
                           fmt::join(labels, " ")));
  }
  example.label = static_cast<int>(found - labels.begin());
  return example;
}

}  // namespace

SequenceDataset LoadTsFile(const std::string& path) {
  TextLines lines(path);
  TsHeader header;
  std::string line;
  bool in_data = false;
  SequenceDataset dataset{.kind = SequenceTaskKind::kClassification};
  while (lines.Next(&line)) {
    const std::string text = Trimmed(line);
    if (text.empty() || text[0] == '#') continue;
    if (!in_data) {
      if (text[0] != '@') lines.Fail("expected a header line starting with '@' before @data");
      in_data = ReadHeaderLine(lines, text, &header);
      if (in_data && header.class_labels.empty()) {
        lines.Fail("@data: expected @classLabel true LABELS... in the header before it");
      }
      continue;
    }
    dataset.examples.push_back(ReadDataLine(lines, text, &header));
  }
  if (!in_data) lines.Fail("expected an @data line after the header");
  if (dataset.examples.empty()) lines.Fail("expected at least one sequence after @data");
  dataset.name = header.problem_name.empty() ? path : header.problem_name;
  dataset.input_channels = header.dimensions;
  dataset.classes = static_cast<int>(header.class_labels.size());
  return dataset;
}

}  // namespace echolab
