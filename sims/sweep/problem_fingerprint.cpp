#include "sims/sweep/problem_fingerprint.h"

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace echolab {
namespace {

namespace fs = std::filesystem;

// FNV-1a, 64 bits: enough to tell one problem from another (not a defence
// against a forged file).
std::string Hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", hash);
}

// Every string of a TOML node that names an existing file, relative to
// `directory` unless absolute.
void CollectFiles(const toml::node& node, const fs::path& directory,
                  std::vector<std::string>* files) {
  if (const auto* text = node.as_string()) {
    const fs::path path = text->get();
    std::error_code error;
    if (fs::is_regular_file(path.is_absolute() ? path : directory / path, error)) {
      files->push_back(text->get());
    }
  } else if (const auto* table = node.as_table()) {
    for (const auto& [key, child] : *table) CollectFiles(child, directory, files);
  } else if (const auto* array = node.as_array()) {
    for (const toml::node& child : *array) CollectFiles(child, directory, files);
  }
}

std::string Contents(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream contents;
  contents << stream.rdbuf();
  return contents.str();
}

}  // namespace

ProblemFingerprint FingerprintProblem(const ConfigTable& root,
                                      const std::vector<std::string_view>& grid_keys) {
  toml::table document = root.Document();
  if (toml::table* sweep = document["sweep"].as_table()) {
    for (std::string_view key : grid_keys) sweep->erase(key);
  }
  std::ostringstream canonical;
  canonical << toml::toml_formatter(document);
  ProblemFingerprint fingerprint = {{"format", std::to_string(kSweepResultsFormat)},
                                    {"configuration", Hash(canonical.str())}};
  const fs::path directory = root.Directory();
  std::vector<std::string> files;
  CollectFiles(document, directory, &files);
  for (const std::string& file : files) {
    const fs::path path = file;
    fingerprint["file:" + file] = Hash(Contents(path.is_absolute() ? path : directory / path));
  }
  return fingerprint;
}

}  // namespace echolab
