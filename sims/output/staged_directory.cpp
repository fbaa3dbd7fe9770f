#include "sims/output/staged_directory.h"

#include <fmt/format.h>
#include <unistd.h>

#include "physics/error.h"

namespace echolab {

namespace fs = std::filesystem;

StagedDirectory::StagedDirectory(fs::path destination) : destination_(std::move(destination)) {
  if (fs::exists(destination_) && !fs::is_directory(destination_)) {
    throw InputError(
        fmt::format("output directory {} exists and is not a directory", destination_.string()));
  }
  const fs::path parent = fs::absolute(destination_).parent_path();
  std::error_code error;
  fs::create_directories(parent, error);
  if (error) {
    throw InputError(
        fmt::format("cannot create the output directory {}: {}", parent.string(), error.message()));
  }
  staging_ = parent / fmt::format(".{}.partial-{}", destination_.filename().string(), getpid());
  fs::remove_all(staging_);
  fs::create_directory(staging_);
}

StagedDirectory::~StagedDirectory() {
  if (!committed_) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
}

void StagedDirectory::Commit() {
  fs::remove_all(destination_);
  fs::rename(staging_, destination_);
  committed_ = true;
}

}  // namespace echolab
