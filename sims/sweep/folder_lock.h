#pragma once

#include <filesystem>

namespace echolab {

/// An exclusive lock on an output folder, held while the object lives: an
/// flock(2) on the lock file, which records the holder's pid, host and start
/// time. The kernel releases it when the process ends, however it ends, so
/// a lock file left behind by a killed run locks nothing. The file itself
/// stays (removing it would let two runs lock two different files).
class FolderLock {
 public:
  /// Takes the lock without waiting, creating the file. Throws InputError
  /// naming the holder when another process holds it, and std::runtime_error
  /// (with errno's text) when the file cannot be opened.
  explicit FolderLock(const std::filesystem::path& lock_file);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int descriptor_;
};

}  // namespace echolab
