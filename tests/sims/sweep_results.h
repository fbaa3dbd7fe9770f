#pragma once

// Reading a sweep's results.csv in the sweep tests.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace echolab::testing {

/// The rows of a results file without their timing column, in the file's
/// order (a finished sweep writes them in the grid's order).
inline std::vector<std::string> RowsWithoutTiming(const std::filesystem::path& csv) {
  std::ifstream stream(csv);
  std::vector<std::string> rows;
  std::string line;
  std::getline(stream, line);
  while (std::getline(stream, line)) rows.push_back(line.substr(0, line.rfind(',')));
  return rows;
}

/// The number of lines of a file, its header included.
inline long CountLines(const std::filesystem::path& csv) {
  std::ifstream stream(csv);
  long lines = 0;
  for (std::string line; std::getline(stream, line);) ++lines;
  return lines;
}

}  // namespace echolab::testing
