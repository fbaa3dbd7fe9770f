#include "sims/output/staged_directory.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/error.h"
#include "common/output_file.h"
#include "sims/output/output_destination.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStagingTag = ".partial-";
constexpr const char* kAsideTag = ".replaced-";

fs::path Beside(const fs::path& destination, const char* tag, long pid) {
  return destination.parent_path() /
         fmt::format(".{}{}{}", destination.filename().string(), tag, pid);
}

// The process id at the end of a leftover's name, when it has `prefix`.
long PidOf(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0) return -1;
  const std::string digits = name.substr(prefix.size());
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stol(digits);
}

bool IsAlive(long pid) { return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

// The outermost missing folder on the way to `folder` (empty: none).
fs::path OutermostMissing(const fs::path& folder) {
  fs::path missing;
  for (fs::path p = folder; !p.empty() && p != p.root_path() && !fs::exists(p);
       p = p.parent_path()) {
    missing = p;
  }
  return missing;
}

}  // namespace

StagedDirectory::StagedDirectory(const fs::path& destination, bool force)
    : destination_(CheckOutputDestination(destination, force)),
      staging_(Beside(destination_, kStagingTag, getpid())),
      force_(force) {
  CreateStagingFolder();
  CleanLeftoversOfDeadRuns();
}

StagedDirectory::~StagedDirectory() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
  // Parents this run created, if still empty (fs::remove leaves others).
  if (created_parent_.empty()) return;
  for (fs::path p = staging_.parent_path(); p.string().size() >= created_parent_.string().size();
       p = p.parent_path()) {
    if (!fs::remove(p, ignored)) break;
  }
}

void StagedDirectory::CreateStagingFolder() {
  const fs::path parent = destination_.parent_path();
  created_parent_ = OutermostMissing(parent);
  std::error_code error;
  fs::create_directories(parent, error);
  if (!error) {
    fs::remove_all(staging_, error);
    fs::create_directory(staging_, error);
  }
  if (error) {
    throw InputError(fmt::format("--output-dir {}: cannot write in {}: {}", destination_.string(),
                                 parent.string(), error.message()));
  }
}

void StagedDirectory::CleanLeftoversOfDeadRuns() const {
  const std::string name = fmt::format(".{}", destination_.filename().string());
  std::error_code error;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(destination_.parent_path(), error)) {
    const std::string leftover = entry.path().filename().string();
    const long staging_pid = PidOf(leftover, name + kStagingTag);
    const long aside_pid = PidOf(leftover, name + kAsideTag);
    const long pid = std::max(staging_pid, aside_pid);
    if (pid < 0 || pid == getpid() || IsAlive(pid)) continue;
    std::error_code ignored;
    if (aside_pid >= 0 && !fs::exists(destination_)) {
      fs::rename(entry.path(), destination_, ignored);
      fmt::print(stderr, "echolab: restored {} from {}, left by a run that stopped while "
                 "replacing it\n", destination_.string(), leftover);
      continue;
    }
    fs::remove_all(entry.path(), ignored);
    fmt::print(stderr, "echolab: removed {}, left by an earlier run that did not finish\n",
               (destination_.parent_path() / leftover).string());
  }
}

void StagedDirectory::Commit() {
  // Checked again: the destination may have changed during the computation.
  CheckOutputDestination(destination_, force_);
  const fs::path aside = Beside(destination_, kAsideTag, getpid());
  std::error_code error;
  const bool replacing = fs::exists(destination_);
  if (replacing) fs::rename(destination_, aside, error);
  if (!error) fs::rename(staging_, destination_, error);
  if (error) {
    std::error_code ignored;
    if (replacing && !fs::exists(destination_)) fs::rename(aside, destination_, ignored);
    throw OutputError(fmt::format("cannot move the output into {}: {}", destination_.string(),
                                  error.message()));
  }
  committed_ = true;
  if (replacing) fs::remove_all(aside, error);
  if (error) {
    fmt::print(stderr, "echolab: could not remove the earlier output, kept at {}: {}\n",
               aside.string(), error.message());
  }
}

}  // namespace echolab
