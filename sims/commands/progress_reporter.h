#pragma once

#include <chrono>
#include <string>

namespace echolab {

/// Prints "label: 42% (2.1 of 5), 3 s left" to stderr while a run advances,
/// and a final line on Finish(). On a terminal the line is redrawn in place at
/// most every half second; in a log (stderr not a terminal) a line is added
/// at every further 10 % or after 10 s, whichever comes first.

class ProgressReporter {
 public:
  ProgressReporter(std::string label, double total, bool enabled);
  void Update(double done);
  void Finish();

 private:
  std::string label_;
  double total_;
  bool enabled_;
  bool terminal_;
  double last_printed_fraction_ = 0.0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool printed_ = false;
};

}  // namespace echolab
