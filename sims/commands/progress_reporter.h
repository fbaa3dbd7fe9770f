#pragma once

#include <chrono>
#include <string>

namespace echolab {

/// Prints "label: 42% (t = 2.1 s of 5 s), 3 s left" to stderr at most every
/// half second while a run advances, and a final line on Finish().
class ProgressReporter {
 public:
  ProgressReporter(std::string label, double total, bool enabled);
  void Update(double done);
  void Finish();

 private:
  std::string label_;
  double total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool printed_ = false;
};

}  // namespace echolab
