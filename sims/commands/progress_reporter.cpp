#include "sims/commands/progress_reporter.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace echolab {

ProgressReporter::ProgressReporter(std::string label, double total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void ProgressReporter::Update(double done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double fraction = total_ > 0.0 ? done / total_ : 1.0;
  const auto since_print = now - last_print_;
  const bool due = terminal_ ? since_print >= std::chrono::milliseconds(500)
                             : since_print >= std::chrono::seconds(10) ||
                                   fraction >= last_printed_fraction_ + 0.1;
  if (!due) return;
  last_print_ = now;
  last_printed_fraction_ = fraction;
  const double elapsed_s = std::chrono::duration<double>(now - start_).count();
  const double left_s = fraction > 0.0 ? elapsed_s * (1.0 - fraction) / fraction : 0.0;
  // On a terminal the line is redrawn in place; in a log each update is a line.
  const char* end = terminal_ ? "\r" : "\n";
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
             terminal_ ? "                    " : "");
}

}  // namespace echolab
