#include "circuits/waveform_file.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>

#include "circuits/source_text.h"
#include "physics/input_file.h"
#include "physics/utf8.h"

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

// header-line := 't' ',' name, in UTF-8.
void CheckHeader(std::string_view line, const std::string& path) {
  constexpr std::string_view kExpected = "the header 't,NAME' (e.g. 't,value' or 't,y')";
  if (const auto offset = FirstInvalidUtf8(line)) {
    ThrowInputError(path, {1, static_cast<int>(*offset) + 1}, "bad waveform file header",
                    fmt::format("the byte 0x{:02X}", static_cast<unsigned char>(line[*offset])),
                    "UTF-8 text");
  }
  const size_t comma = line.find(',');
  const bool two_names = comma != std::string_view::npos &&
                         line.find(',', comma + 1) == std::string_view::npos &&
                         !Trim(line, comma + 1, line.size()).text.empty();
  const std::string_view time = Trim(line, 0, std::min(comma, line.size())).text;
  if (!two_names || !(time == "t" || time == "T")) {
    ThrowInputError(path, {1, 1}, "bad waveform file header", DescribeToken(line), kExpected);
  }
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

WaveformSamples ReadWaveformCsv(const std::string& path) {
  CheckInputFile(path, "waveform file");
  std::ifstream in(path);
  WaveformSamples samples;
  WaveformSamples* waveform = &samples;
  std::string line;
  int line_number = 1;
  if (!std::getline(in, line)) line.clear();
  StripCarriageReturn(&line);
  CheckHeader(line, path);
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
  return samples;
}

}  // namespace echolab
