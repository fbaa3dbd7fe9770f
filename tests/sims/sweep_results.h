#pragma once

// Reading a sweep's results.csv in the sweep tests.

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace echolab::testing {

/// The rows of a results file without their timing column, as a set.
inline std::set<std::string> RowsWithoutTiming(const std::filesystem::path& csv) {
  std::ifstream stream(csv);
  std::set<std::string> rows;
  std::string line;
  std::getline(stream, line);
  while (std::getline(stream, line)) rows.insert(line.substr(0, line.rfind(',')));
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
