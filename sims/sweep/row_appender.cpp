#include "sims/sweep/row_appender.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/output_file.h"

namespace echolab {
namespace {

[[noreturn]] void FailWith(const std::filesystem::path& path, const std::string& what, int error) {
  throw OutputError(fmt::format("{}: {}: {} (errno {})", path.string(), what,
                                       std::strerror(error), error));
}

// Writes all of `text`; returns 0, or the errno of the write that failed.
int WriteAll(int descriptor, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = write(descriptor, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return written < 0 ? errno : ENOSPC;
    done += static_cast<size_t>(written);
  }
  return 0;
}

}  // namespace

RowAppender::RowAppender(const std::filesystem::path& path)
    : path_(path), descriptor_(open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC)) {
  if (descriptor_ < 0) FailWith(path_, "cannot open for appending", errno);
  length_ = lseek(descriptor_, 0, SEEK_END);
  if (length_ < 0) {
    const int error = errno;
    close(descriptor_);
    FailWith(path_, "cannot find its end", error);
  }
}

RowAppender::~RowAppender() { close(descriptor_); }

void RowAppender::Append(const std::string& row) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const int error = WriteAll(descriptor_, row);
  if (error == 0) {
    length_ += static_cast<long long>(row.size());
    return;
  }
  // Cut off what was written of the row; if even that fails, the next run
  // drops the row left without its newline.
  [[maybe_unused]] const int cut = ftruncate(descriptor_, length_);
  FailWith(path_, "cannot write a row (the rows before it are kept; rerun to resume)", error);
}

}  // namespace echolab
