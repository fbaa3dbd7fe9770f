#include "sims/output/output_destination.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/error.h"
#include "physics/input_file.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// Absolute, `.`/`..` resolved, no trailing separator; the existing part of
// the path with its symbolic links resolved.
fs::path Normalised(const fs::path& requested) {
  fs::path path = fs::absolute(requested).lexically_normal();
  if (path.has_parent_path() && path.filename().empty()) path = path.parent_path();
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path : canonical;
}

fs::path CanonicalOrEmpty(const char* path) {
  if (path == nullptr || *path == '\0') return {};
  std::error_code error;
  const fs::path canonical = fs::canonical(path, error);
  return error ? fs::path() : canonical;
}

// Whether `folder` is `path` or one of its ancestors (both normalised).
bool IsSameOrAncestor(const fs::path& folder, const fs::path& path) {
  auto f = folder.begin();
  auto p = path.begin();
  for (; f != folder.end(); ++f, ++p) {
    if (p == path.end() || *f != *p) return false;
  }
  return true;
}

// Whether the first megabyte of a file mentions an echolab version.
bool NamesEcholabVersion(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(1 << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head.find("\"echolab_version\"") != std::string::npos;
}

void RefuseProtectedFolder(const std::string& shown, const fs::path& destination) {
  const auto refuse = [&](const std::string& what) {
    throw InputError(fmt::format(
        "--output-dir {}: refusing to write into {} ({}): echolab replaces its output folder "
        "whole; give a new or an earlier output folder, e.g. out/run1",
        shown, destination.string(), what));
  };
  if (destination == destination.root_path()) refuse("the root folder");
  const fs::path home = CanonicalOrEmpty(std::getenv("HOME"));
  if (!home.empty() && destination == home) refuse("the home folder");
  const fs::path current = CanonicalOrEmpty(fs::current_path().c_str());
  if (!current.empty() && IsSameOrAncestor(destination, current)) {
    refuse(destination == current ? "the current folder" : "an ancestor of the current folder");
  }
}

}  // namespace

bool IsEcholabOutput(const fs::path& folder) {
  if (fs::exists(folder / "sweep_state.json") || fs::exists(folder / "sweep.lock")) return true;
  for (const char* name : {"meta.json", "summary.json", "gradcheck.json"}) {
    if (fs::is_regular_file(folder / name) && NamesEcholabVersion(folder / name)) return true;
  }
  return false;
}

fs::path CheckOutputDestination(const fs::path& requested, bool force) {
  const std::string shown = requested.string();
  if (requested.empty()) throw InputError("--output-dir: expected a folder, got an empty path");
  const fs::path lexical = fs::absolute(requested).lexically_normal();
  const fs::path link = lexical.filename().empty() ? lexical.parent_path() : lexical;
  if (fs::is_symlink(link)) {
    throw InputError(fmt::format(
        "--output-dir {}: is a symbolic link; give the folder it points to ({}) or a new one",
        shown, fs::read_symlink(link).string()));
  }
  const fs::path destination = Normalised(requested);
  RefuseProtectedFolder(shown, destination);
  if (fs::exists(destination) && !fs::is_directory(destination)) {
    throw InputError(
        fmt::format("--output-dir {}: exists and is not a folder; give a folder", shown));
  }
  if (!force && fs::is_directory(destination) && !fs::is_empty(destination) &&
      !IsEcholabOutput(destination)) {
    throw InputError(fmt::format(
        "--output-dir {}: the folder exists and was not written by echolab (it has no "
        "meta.json, summary.json or gradcheck.json of an echolab run), so writing there could "
        "lose files; give a new folder, or pass --force to use it anyway",
        shown));
  }
  return destination;
}

std::filesystem::path DefaultOutputFolder(const std::string& command,
                                          const std::string& input_path) {
  const std::filesystem::path stem = input_path == kStandardInputPath
                                         ? std::filesystem::path("stdin")
                                         : std::filesystem::path(input_path).stem();
  return std::filesystem::path("out") / command / stem;
}

}  // namespace echolab
