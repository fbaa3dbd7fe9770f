#include "sims/commands/progress_reporter.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace echolab {

ProgressReporter::ProgressReporter(std::string label, double total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void ProgressReporter::Update(double done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_print_ < std::chrono::milliseconds(500)) return;
  last_print_ = now;
  const double fraction = total_ > 0.0 ? done / total_ : 1.0;
  const double elapsed_s = std::chrono::duration<double>(now - start_).count();
  const double left_s = fraction > 0.0 ? elapsed_s * (1.0 - fraction) / fraction : 0.0;
  // On a terminal the line is redrawn in place; in a log each update is a line.
  const char* end = isatty(STDERR_FILENO) ? "\r" : "\n";
  fmt::print(stderr, "{}: {:3.0f}% ({:.4g} of {:.4g}), {:.0f} s left   {}", label_,
             100.0 * fraction, done, total_, left_s, end);
  std::fflush(stderr);
  printed_ = true;
}

void ProgressReporter::Finish() {
  if (!enabled_ || !printed_) return;
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(stderr, "{}: done in {:.1f} s{}\n", label_, elapsed_s,
             isatty(STDERR_FILENO) ? "                    " : "");
}

}  // namespace echolab
