#pragma once

#include <filesystem>

namespace echolab {

/// An output directory that appears whole or not at all: files are written
/// into a staging directory beside the destination, and Commit() moves it into
/// place (replacing an earlier run's directory). Without Commit(), the staging
/// directory is removed, so a failed run leaves no partial output.
class StagedDirectory {
 public:
  explicit StagedDirectory(std::filesystem::path destination);
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  /// Where to write the files until Commit().
  const std::filesystem::path& path() const { return staging_; }
  const std::filesystem::path& destination() const { return destination_; }
  void Commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace echolab
