#include "learning/training/loaders/csv_sequence_loader.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <set>

#include "common/error.h"
#include "learning/training/loaders/text_lines.h"
#include "learning/training/output_sampling.h"

namespace echolab {
namespace {

// 2^53: every integer up to it is a double.
constexpr double kMaxExactInteger = 9007199254740992.0;

// Which columns hold what, from the header.
struct CsvLayout {
  int inputs = 0;
  int targets = 0;
  bool labelled = false;
  int columns() const { return 1 + inputs + (labelled ? 1 : targets); }
};

CsvLayout ReadLayout(TextLines* lines) {
  std::string header;
  if (!lines->Next(&header)) lines->Fail("expected a header line: sequence,x1,...,label or y1,...");
  const std::vector<std::string> names = SplitFields(header, ',');
  if (Trimmed(names[0]) != "sequence") {
    lines->Fail(fmt::format("expected the first column to be 'sequence', got '{}'", names[0]));
  }
  CsvLayout layout;
  for (size_t c = 1; c < names.size(); ++c) {
    const std::string name = Trimmed(names[c]);
    const bool after_inputs = layout.labelled || layout.targets > 0;
    if (!name.empty() && name[0] == 'x' && !after_inputs) {
      ++layout.inputs;
    } else if (name == "label" && !after_inputs && c + 1 == names.size()) {
      layout.labelled = true;
    } else if (!name.empty() && name[0] == 'y' && !layout.labelled) {
      ++layout.targets;
    } else {
      lines->Fail(
          fmt::format("column {} '{}': expected inputs x..., then one 'label' column "
                      "(last) or target columns y...",
                      c + 1, name));
    }
  }
  if (layout.inputs == 0) lines->Fail("expected at least one input column x...");
  if (!layout.labelled && layout.targets == 0) {
    lines->Fail("expected a 'label' column or target columns y...");
  }
  return layout;
}

// One sequence being read: its rows of inputs, targets and its label.
struct PendingSequence {
  long id = 0;
  std::vector<std::vector<double>> inputs, targets;
  int label = -1;
};

SequenceExample Finish(const PendingSequence& pending, const CsvLayout& layout, int output_step,
                       const TextLines& lines) {
  const long length = static_cast<long>(pending.inputs.size());
  SequenceExample example{.inputs = Eigen::MatrixXd(length, layout.inputs), .label = pending.label};
  for (long t = 0; t < length; ++t) {
    for (int c = 0; c < layout.inputs; ++c) example.inputs(t, c) = pending.inputs[t][c];
  }
  if (!layout.labelled) {
    const long rows = PredictedRows(length, output_step);
    if (rows < 1) {
      lines.Fail(fmt::format("sequence {}: {} rows give no target at output_step {}", pending.id,
                             length, output_step));
    }
    example.targets.resize(rows, layout.targets);
    for (long row = 0; row < rows; ++row) {
      for (int c = 0; c < layout.targets; ++c) {
        example.targets(row, c) = pending.targets[PredictedStep(row, output_step)][c];
      }
    }
  }
  return example;
}

}  // namespace

SequenceDataset LoadCsvSequences(const std::string& path, int output_step) {
  if (output_step < 1) {
    throw InputError(
        fmt::format("task.output_step: expected a positive integer, got {}", output_step));
  }
  TextLines lines(path);
  const CsvLayout layout = ReadLayout(&lines);
  SequenceDataset dataset{
      .name = path,
      .kind = layout.labelled ? SequenceTaskKind::kClassification : SequenceTaskKind::kRegression,
      .input_channels = layout.inputs,
      .output_channels = layout.labelled ? 0 : layout.targets};
  std::set<long> seen;
  PendingSequence pending;
  bool any = false;
  std::string line;
  while (lines.Next(&line)) {
    if (Trimmed(line).empty()) continue;
    const std::vector<std::string> fields = SplitFields(line, ',');
    if (static_cast<int>(fields.size()) != layout.columns()) {
      lines.Fail(fmt::format("expected {} comma-separated values as in the header, got {}",
                             layout.columns(), fields.size()));
    }
    std::vector<double> values(fields.size());
    for (size_t c = 0; c < fields.size(); ++c) {
      if (!ParseNumber(fields[c], &values[c])) {
        lines.Fail(fmt::format("column {}: expected a number, got '{}'", c + 1, fields[c]));
      }
    }
    // Range-checked as doubles before the casts: ids up to 2^53 (exact in a
    // double), labels up to the largest int.
    if (!(std::abs(values[0]) <= kMaxExactInteger) || values[0] != std::floor(values[0])) {
      lines.Fail(fmt::format("sequence: expected an integer id up to {:.0f}", kMaxExactInteger));
    }
    const auto id = static_cast<long>(values[0]);
    if (!any || id != pending.id) {
      if (seen.count(id) > 0) {
        lines.Fail(
            fmt::format("sequence {} appears again; expected its rows to be consecutive", id));
      }
      if (any) dataset.examples.push_back(Finish(pending, layout, output_step, lines));
      pending = PendingSequence{.id = id};
      seen.insert(id);
      any = true;
    }
    pending.inputs.emplace_back(values.begin() + 1, values.begin() + 1 + layout.inputs);
    if (layout.labelled) {
      const double label = values.back();
      if (!(label >= 0 && label <= std::numeric_limits<int>::max()) || label != std::floor(label)) {
        lines.Fail(
            fmt::format("label: expected a non-negative integer class, got {}", fields.back()));
      }
      if (pending.label >= 0 && pending.label != static_cast<int>(label)) {
        lines.Fail(fmt::format("label: sequence {} changes its class from {} to {}", id,
                               pending.label, static_cast<int>(label)));
      }
      pending.label = static_cast<int>(label);
      dataset.classes = std::max(dataset.classes, pending.label + 1);
    } else {
      pending.targets.emplace_back(values.begin() + 1 + layout.inputs, values.end());
    }
  }
  if (!any) lines.Fail("expected at least one data row after the header");
  dataset.examples.push_back(Finish(pending, layout, output_step, lines));
  return dataset;
}

}  // namespace echolab
