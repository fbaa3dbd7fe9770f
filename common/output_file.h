#pragma once

#include <fmt/format.h>

#include "common/error.h"

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

namespace echolab {

/// A file written through checked calls: a failed open, write, flush or close
/// throws OutputError naming the file and errno's text. Text is buffered and
/// handed to the system in blocks. The destructor never throws: a file that
/// was not closed (an exception is unwinding) is closed and removed, so no
/// truncated file is left behind.
class OutputFile {
 public:
  /// Creates or truncates `path`; with `append`, writes at its end instead.
  explicit OutputFile(std::filesystem::path path, bool append = false);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void Write(std::string_view text);
  template <typename... Args>
  void Print(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    if (buffer_.size() >= kBlockBytes) Flush();
  }
  /// Hands the buffered text to the system (fflush), checked.
  void Flush();
  /// Flushes and closes, checked; the file is then complete.
  void Close();

  const std::filesystem::path& path() const { return path_; }

 private:
  static constexpr size_t kBlockBytes = 1 << 16;
  [[noreturn]] void Fail(const char* what) const;

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  bool remove_unless_closed_;
  fmt::memory_buffer buffer_;
};

/// Writes a whole file: `path` then holds `text`, or, on failure, is absent
/// (or, when it existed, unchanged: the text goes to a temporary file beside
/// it that is renamed over it).
void WriteFileAtomically(const std::filesystem::path& path, std::string_view text);

}  // namespace echolab
