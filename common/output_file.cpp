#include "common/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace echolab {

namespace fs = std::filesystem;

OutputFile::OutputFile(fs::path path, bool append)
    : path_(std::move(path)), remove_unless_closed_(!append) {
  file_ = std::fopen(path_.c_str(), append ? "ab" : "wb");
  if (file_ == nullptr) Fail("cannot open");
}

OutputFile::~OutputFile() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  if (remove_unless_closed_) {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
}

void OutputFile::Write(std::string_view text) {
  buffer_.append(text.data(), text.data() + text.size());
  if (buffer_.size() >= kBlockBytes) Flush();
}

void OutputFile::Flush() {
  if (file_ == nullptr) Fail("cannot write (already closed)");
  if (buffer_.size() > 0 && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    Fail("cannot write");
  }
  buffer_.clear();
  if (std::fflush(file_) != 0) Fail("cannot write");
}

void OutputFile::Close() {
  Flush();
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    if (remove_unless_closed_) {
      std::error_code ignored;
      fs::remove(path_, ignored);
    }
    Fail("cannot close");
  }
}

void OutputFile::Fail(const char* what) const {
  const int error = errno;
  throw OutputError(fmt::format("{} {}: {}", what, path_.string(),
                                error != 0 ? std::strerror(error) : "unknown error"));
}

void WriteFileAtomically(const fs::path& path, std::string_view text) {
  const fs::path temporary =
      path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), getpid());
  {
    OutputFile file(temporary);
    file.Write(text);
    file.Close();
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw OutputError(fmt::format("cannot write {}: {}", path.string(), error.message()));
  }
}

}  // namespace echolab
