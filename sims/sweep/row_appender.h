#pragma once

#include <filesystem>
#include <mutex>
#include <string>

namespace echolab {

/// Appends whole rows to a file from any thread, checking every write: a row
/// that cannot be written whole (a full disk, a file size limit) is cut off
/// again, so that the file holds the rows before it and nothing of it, and
/// the failure is thrown as OutputError naming the file and errno's text.
class RowAppender {
 public:
  explicit RowAppender(const std::filesystem::path& path);
  ~RowAppender();
  RowAppender(const RowAppender&) = delete;
  RowAppender& operator=(const RowAppender&) = delete;

  /// Appends `row` (ending in a newline) whole, or not at all.
  void Append(const std::string& row);

 private:
  std::filesystem::path path_;
  int descriptor_;
  long long length_;  // of the rows written whole
  std::mutex mutex_;
};

}  // namespace echolab
