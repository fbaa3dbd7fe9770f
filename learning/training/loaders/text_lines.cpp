#include "learning/training/loaders/text_lines.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "common/error.h"
#include "physics/input_file.h"

namespace echolab {

TextLines::TextLines(std::string path) : path_(std::move(path)) {
  CheckInputFile(path_, "data file");
  stream_.open(path_);
}

bool TextLines::Next(std::string* line) {
  if (!std::getline(stream_, *line)) return false;
  ++line_number_;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

void TextLines::Fail(const std::string& message) const {
  throw InputError(fmt::format("{}:{}: {}", path_, line_number_, message));
}

std::vector<std::string> SplitFields(const std::string& text, char separator) {
  std::vector<std::string> fields;
  size_t begin = 0;
  for (size_t end = text.find(separator); end != std::string::npos;
       end = text.find(separator, begin)) {
    fields.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  fields.push_back(text.substr(begin));
  return fields;
}

std::string Trimmed(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

bool ParseNumber(const std::string& text, double* value) {
  const std::string trimmed = Trimmed(text);
  const char* end = trimmed.data() + trimmed.size();
  const auto [stop, error] = std::from_chars(trimmed.data(), end, *value);
  return !trimmed.empty() && error == std::errc() && stop == end && std::isfinite(*value);
}

}  // namespace echolab
