#include "circuits/waveform_file.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>

namespace echolab {
namespace {

struct Field {
  std::string_view text;
  int column;  // 1-based column of the first character
};

Field Trim(std::string_view line, size_t from, size_t to) {
  while (from < to && std::isspace(static_cast<unsigned char>(line[from]))) ++from;
  while (to > from && std::isspace(static_cast<unsigned char>(line[to - 1]))) --to;
  return {line.substr(from, to - from), static_cast<int>(from) + 1};
}

void StripCarriageReturn(std::string* line) {
  if (!line->empty() && line->back() == '\r') line->pop_back();
}

// The header lower-cased without blanks, "t,value" when it is right.
std::string HeaderKey(std::string_view header) {
  std::string key;
  for (const char c : header) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return key;
}

double ParseField(const Field& field, const std::string& path, int line_number, const char* name) {
  double value = 0.0;
  const char* begin = field.text.data();
  const char* end = begin + field.text.size();
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (field.text.empty() || error != std::errc() || stop != end || !std::isfinite(value)) {
    ThrowInputError(path, {line_number, field.column}, fmt::format("bad {} in waveform file", name),
                    DescribeToken(field.text), "a finite plain number (no suffix)");
  }
  return value;
}

// Splits "a,b" into its two trimmed fields, or throws.
std::pair<Field, Field> SplitRow(std::string_view line, const std::string& path, int line_number,
                                 std::string_view expected) {
  const size_t comma = line.find(',');
  if (comma == std::string_view::npos || line.find(',', comma + 1) != std::string_view::npos) {
    const Field whole = Trim(line, 0, line.size());
    ThrowInputError(path, {line_number, whole.column}, "bad line in waveform file",
                    DescribeToken(whole.text), expected);
  }
  return {Trim(line, 0, comma), Trim(line, comma + 1, line.size())};
}

}  // namespace

void ReadWaveformCsv(std::istream& in, const std::string& path, SourceWaveform* waveform) {
  std::string line;
  int line_number = 1;
  if (!std::getline(in, line)) line.clear();
  StripCarriageReturn(&line);
  if (HeaderKey(line) != "t,value") {
    ThrowInputError(path, {1, 1}, "bad waveform file header", DescribeToken(line),
                    "the header 't,value'");
  }
  while (std::getline(in, line)) {
    ++line_number;
    StripCarriageReturn(&line);
    if (Trim(line, 0, line.size()).text.empty()) continue;
    const auto [time_field, value_field] =
        SplitRow(line, path, line_number, "two numbers 'time_s,value'");
    const double time_s = ParseField(time_field, path, line_number, "time");
    if (!waveform->times_s.empty() && !(time_s > waveform->times_s.back())) {
      ThrowInputError(path, {line_number, time_field.column},
                      "waveform times must increase strictly", DescribeToken(time_field.text),
                      fmt::format("a time after {} s", waveform->times_s.back()));
    }
    waveform->times_s.push_back(time_s);
    waveform->values.push_back(ParseField(value_field, path, line_number, "value"));
  }
  if (waveform->times_s.empty()) {
    ThrowInputError(path, {line_number + 1, 1}, "waveform file without samples", "end of file",
                    "at least one line 'time_s,value' after the header");
  }
}

}  // namespace echolab
