#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace echolab {

/// Reads a text file line by line and builds located errors "FILE:LINE: ...".
class TextLines {
 public:
  /// Throws InputError naming the file when it cannot be read (CheckInputFile:
  /// missing, not a regular file, too big).
  explicit TextLines(std::string path);

  /// The next line (without the line break or a trailing '\r'); false at the end.
  bool Next(std::string* line);
  /// Throws InputError "FILE:LINE: message" at the current line.
  [[noreturn]] void Fail(const std::string& message) const;

 private:
  std::string path_;
  std::ifstream stream_;
  long line_number_ = 0;
};

/// Splits at every `separator` (empty fields kept).
std::vector<std::string> SplitFields(const std::string& text, char separator);
/// Strips leading and trailing spaces and tabs.
std::string Trimmed(const std::string& text);
/// Parses the whole text as a finite number, or returns false.
bool ParseNumber(const std::string& text, double* value);

}  // namespace echolab
