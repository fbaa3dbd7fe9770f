#include "sims/sweep/sweep_state.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/output_file.h"

namespace echolab {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStateFile = "sweep_state.json";

// The recorded fingerprint; empty when the file is missing or unreadable.
ProblemFingerprint RecordedFingerprint(const fs::path& state) {
  std::ifstream stream(state);
  const nlohmann::json json = nlohmann::json::parse(stream, nullptr, false);
  if (json.is_discarded() || !json.contains("problem") || !json["problem"].is_object()) return {};
  ProblemFingerprint fingerprint;
  for (const auto& [part, hash] : json["problem"].items()) {
    if (hash.is_string()) fingerprint[part] = hash.get<std::string>();
  }
  return fingerprint;
}

// "the configuration outside the [sweep] grid, the file ladder.cir".
std::string ChangedParts(const ProblemFingerprint& recorded, const ProblemFingerprint& current) {
  ProblemFingerprint all = recorded;
  all.insert(current.begin(), current.end());
  std::vector<std::string> changed;
  for (const auto& [part, hash] : all) {
    const auto before = recorded.find(part), now = current.find(part);
    if (before != recorded.end() && now != current.end() && before->second == now->second) {
      continue;
    }
    if (part == "configuration") {
      changed.push_back("the configuration outside the [sweep] grid");
    } else if (part == "format") {
      changed.push_back("the results format");
    } else {
      changed.push_back("the file " + part.substr(part.find(':') + 1));
    }
  }
  return fmt::format("{}", fmt::join(changed, ", "));
}

}  // namespace

void CheckOrRecordProblem(const fs::path& directory, const ProblemFingerprint& fingerprint) {
  const fs::path results = directory / "results.csv";
  const fs::path state = directory / kStateFile;
  if (!fs::exists(results)) {
    WriteFileAtomically(state, nlohmann::json{{"problem", fingerprint}}.dump(2) + "\n");
    return;
  }
  std::string reason;
  if (!fs::exists(state)) {
    reason = fmt::format("{} is missing: another program's file, or an earlier echolab's",
                         state.string());
  } else if (const ProblemFingerprint recorded = RecordedFingerprint(state); recorded.empty()) {
    reason = fmt::format("{} is unreadable", state.string());
  } else if (recorded != fingerprint) {
    reason = fmt::format("the problem changed since they were computed: {}",
                         ChangedParts(recorded, fingerprint));
  }
  if (!reason.empty()) {
    throw InputError(fmt::format(
        "{}: holds results that this sweep cannot resume ({}); rerun with --restart to discard "
        "them and start over, or choose another output directory",
        results.string(), reason));
  }
}

void DiscardSweepResults(const fs::path& directory) {
  for (const char* name : {"results.csv", "seed_statistics.csv", "meta.json", kStateFile}) {
    fs::remove(directory / name);
  }
}

}  // namespace echolab
