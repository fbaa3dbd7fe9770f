#pragma once

#include <filesystem>

namespace echolab {

/// An output folder that appears whole or not at all. Made before the
/// computation starts, so that an unusable destination is refused (InputError)
/// before any work: the destination is checked (CheckOutputDestination), and
/// a staging folder `.NAME.partial-PID` is created beside it, where the files
/// are written. Commit() replaces the destination in three steps: an earlier
/// folder is renamed aside (`.NAME.replaced-PID`), the staging folder renamed
/// in, and the old one removed; a crash at any point leaves one whole copy.
/// Without Commit() the staging folder is removed. Leftovers of runs that
/// died (their process is gone) are cleaned up by the next run into the same
/// place, restoring the aside copy if the destination is missing.
class StagedDirectory {
 public:
  /// `force`: replace an existing folder even if echolab did not write it.
  StagedDirectory(const std::filesystem::path& destination, bool force);
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  /// Where to write the files until Commit().
  const std::filesystem::path& path() const { return staging_; }
  /// The normalised absolute destination.
  const std::filesystem::path& destination() const { return destination_; }
  void Commit();

 private:
  void CleanLeftoversOfDeadRuns() const;
  void CreateStagingFolder();


  std::filesystem::path destination_;
  std::filesystem::path staging_;
  /// The outermost parent folder this run created (empty: none), removed
  /// again when the run fails.
  std::filesystem::path created_parent_;
  bool force_;
  bool committed_ = false;
};

}  // namespace echolab
