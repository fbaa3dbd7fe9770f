#include "learning/training/loaders/uea_protocol.h"

#include <fmt/format.h>

#include <functional>
#include <string_view>
#include <unordered_map>

#include "common/error.h"

namespace echolab {
namespace {

std::string_view Bytes(const Eigen::MatrixXd& m) {
  return {reinterpret_cast<const char*>(m.data()), static_cast<size_t>(m.size()) * sizeof(double)};
}

bool SameExample(const SequenceExample& a, const SequenceExample& b) {
  return a.label == b.label && a.inputs.rows() == b.inputs.rows() &&
         a.inputs.cols() == b.inputs.cols() && a.targets.rows() == b.targets.rows() &&
         a.targets.cols() == b.targets.cols() && Bytes(a.inputs) == Bytes(b.inputs) &&
         Bytes(a.targets) == Bytes(b.targets);
}

size_t HashOf(const SequenceExample& example) {
  const std::hash<std::string_view> hash;
  return hash(Bytes(example.inputs)) ^ (hash(Bytes(example.targets)) * 31u) ^
         static_cast<size_t>(example.label + 1);
}

}  // namespace

SequenceDataset MergeDatasets(const std::vector<SequenceDataset>& parts) {
  if (parts.empty()) throw InputError("files: expected at least one data set");
  SequenceDataset merged = parts.front();
  for (size_t i = 1; i < parts.size(); ++i) {
    const SequenceDataset& part = parts[i];
    if (part.kind != merged.kind || part.input_channels != merged.input_channels ||
        part.classes != merged.classes || part.output_channels != merged.output_channels) {
      throw InputError(fmt::format(
          "files[{}] ({}): expected the task, channels and classes of files[0] ({}: {} channels, "
          "{} classes), got {} channels, {} classes",
          i, part.name, merged.name, merged.input_channels, merged.classes, part.input_channels,
          part.classes));
    }
    merged.examples.insert(merged.examples.end(), part.examples.begin(), part.examples.end());
  }
  return merged;
}

int RemoveDuplicateSequences(SequenceDataset& data) {
  std::unordered_multimap<size_t, size_t> seen;  // hash → index in `kept`
  std::vector<SequenceExample> kept;
  for (SequenceExample& example : data.examples) {
    const size_t hash = HashOf(example);
    const auto [first, last] = seen.equal_range(hash);
    bool duplicate = false;
    for (auto it = first; it != last && !duplicate; ++it) {
      duplicate = SameExample(kept[it->second], example);
    }
    if (duplicate) continue;
    seen.emplace(hash, kept.size());
    kept.push_back(std::move(example));
  }
  const auto removed = static_cast<int>(data.examples.size() - kept.size());
  data.examples = std::move(kept);
  return removed;
}

void AppendTimeChannel(SequenceDataset& data) {
  for (SequenceExample& example : data.examples) {
    const Eigen::Index steps = example.inputs.rows();
    example.inputs.conservativeResize(Eigen::NoChange, example.inputs.cols() + 1);
    // t_k = k / K
    example.inputs.col(example.inputs.cols() - 1) =
        Eigen::VectorXd::LinSpaced(steps, 0.0, static_cast<double>(steps - 1)) /
        static_cast<double>(steps);
  }
  ++data.input_channels;
}

}  // namespace echolab
