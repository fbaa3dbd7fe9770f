#include "sims/sweep/folder_lock.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/error.h"

namespace echolab {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "an unknown host";
  return name;
}

// The holder as its lock file records it ("pid 123 on host, started ...").
std::string Holder(const std::filesystem::path& lock_file) {
  std::ifstream stream(lock_file);
  std::string holder;
  std::getline(stream, holder);
  return holder.empty() ? "a process that has not yet recorded itself" : holder;
}

}  // namespace

FolderLock::FolderLock(const std::filesystem::path& lock_file)
    : descriptor_(open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
  if (descriptor_ < 0) {
    throw std::runtime_error(
        fmt::format("{}: cannot open the lock file: {}", lock_file.string(), std::strerror(errno)));
  }
  if (flock(descriptor_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    close(descriptor_);
    if (error != EWOULDBLOCK) {
      throw std::runtime_error(
          fmt::format("{}: cannot lock: {}", lock_file.string(), std::strerror(error)));
    }
    throw InputError(fmt::format(
        "{}: another run is writing to this folder ({}); wait for it to end, or choose another "
        "output directory",
        lock_file.string(), Holder(lock_file)));
  }
  const std::string holder =
      fmt::format("pid {} on {}, started {:%Y-%m-%d %H:%M:%S}\n", getpid(), HostName(),
                  fmt::localtime(std::time(nullptr)));
  // The record is informative only: a failure to write it leaves the lock
  // held and is not worth failing the run for.
  if (ftruncate(descriptor_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = pwrite(descriptor_, holder.data(), holder.size(), 0);
  }
}

FolderLock::~FolderLock() { close(descriptor_); }

}  // namespace echolab
