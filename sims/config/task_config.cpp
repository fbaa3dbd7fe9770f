#include "sims/config/task_config.h"

#include <fmt/format.h>

#include <filesystem>

#include "common/error.h"
#include "learning/training/loaders/csv_sequence_loader.h"
#include "learning/training/loaders/ts_file_loader.h"
#include "learning/training/loaders/uea_protocol.h"
#include "learning/training/tasks/burst_classification_task.h"
#include "learning/training/tasks/frequency_classification_task.h"
#include "learning/training/tasks/windowed_mean_task.h"
#include "physics/input_file.h"

namespace echolab {
namespace {

int IntegerOr(const ConfigTable& table, std::string_view key, int fallback) {
  return static_cast<int>(table.IntegerIn(key, 1, 100'000'000, fallback));
}

std::uint64_t SeedOf(const ConfigTable& table) { return table.Seed("seed", 1); }

// Runs a generator's own checks ("task.KEY: message"), re-thrown at the
// key's location in the file.
template <typename Task>
void Check(const ConfigTable& table, const Task& task) {
  try {
    task.Validate();
  } catch (const InputError& error) {
    const std::string message = error.what();
    const size_t colon = message.find(": ");
    const std::string key = message.substr(0, colon);
    table.Fail(key.substr(key.find('.') + 1), message.substr(colon + 2));
  }
}

TaskData Burst(const ConfigTable& t) {
  t.RejectUnknownKeys({"kind", "sequences", "length", "classes", "burst_steps",
                       "burst_window_fraction", "burst_amplitude", "noise_std", "seed"});
  const BurstClassificationTask defaults;
  const BurstClassificationTask task{
      .sequences = IntegerOr(t, "sequences", defaults.sequences),
      .length = IntegerOr(t, "length", defaults.length),
      .classes = IntegerOr(t, "classes", defaults.classes),
      .burst_steps = IntegerOr(t, "burst_steps", defaults.burst_steps),
      .burst_window_fraction = t.Number("burst_window_fraction", defaults.burst_window_fraction),
      .burst_amplitude = t.Number("burst_amplitude", defaults.burst_amplitude),
      .noise_std = t.Number("noise_std", defaults.noise_std),
      .seed = SeedOf(t)};
  Check(t, task);
  return {MakeBurstClassificationDataset(task), 1};
}

TaskData Frequency(const ConfigTable& t) {
  t.RejectUnknownKeys({"kind", "sequences", "length", "classes", "min_frequency", "max_frequency",
                       "band_fill", "noise_std", "seed"});
  const FrequencyClassificationTask defaults;
  const FrequencyClassificationTask task{
      .sequences = IntegerOr(t, "sequences", defaults.sequences),
      .length = IntegerOr(t, "length", defaults.length),
      .classes = IntegerOr(t, "classes", defaults.classes),
      .min_frequency = t.Number("min_frequency", defaults.min_frequency),
      .max_frequency = t.Number("max_frequency", defaults.max_frequency),
      .band_fill = t.Number("band_fill", defaults.band_fill),
      .noise_std = t.Number("noise_std", defaults.noise_std),
      .seed = SeedOf(t)};
  Check(t, task);
  return {MakeFrequencyClassificationDataset(task), 1};
}

TaskData WindowedMean(const ConfigTable& t) {
  t.RejectUnknownKeys(
      {"kind", "sequences", "length", "window_steps", "output_step", "correlation_steps", "seed"});
  const WindowedMeanTask defaults;
  const WindowedMeanTask task{
      .sequences = IntegerOr(t, "sequences", defaults.sequences),
      .length = IntegerOr(t, "length", defaults.length),
      .window_steps = IntegerOr(t, "window_steps", defaults.window_steps),
      .output_step = IntegerOr(t, "output_step", defaults.output_step),
      .correlation_steps = t.Number("correlation_steps", defaults.correlation_steps),
      .seed = SeedOf(t)};
  Check(t, task);
  return {MakeWindowedMeanDataset(task), task.output_step};
}

std::string FilePath(const ConfigTable& t) { return t.InputFile("file", "data file"); }

// One .ts file (`file`), or several merged (`files`, the UEA protocol: TRAIN and TEST);
// `deduplicate` removes repeated sequences, `time_channel` appends t_k = k / K.
TaskData TsFiles(const ConfigTable& t) {
  t.RejectUnknownKeys({"kind", "file", "files", "deduplicate", "time_channel"});
  if (t.Has("file") == t.Has("files")) {
    t.Fail("file", "expected exactly one of file (one .ts file) and files (a list of .ts files "
                   "merged into one data set, e.g. the TRAIN and TEST files of a UEA data set)");
  }
  std::vector<SequenceDataset> parts;
  if (t.Has("file")) {
    parts.push_back(LoadTsFile(FilePath(t)));
  } else {
    const std::vector<std::string> names = t.StringArray("files");
    if (names.empty()) t.Fail("files", "expected at least one .ts file");
    for (const std::string& name : names) {
      const std::filesystem::path file = name;
      const std::string path =
          (file.is_absolute() ? file : std::filesystem::path(t.Directory()) / file).string();
      try {
        CheckInputFile(path, "data file");
      } catch (const InputError& error) {
        t.Fail("files", error.what());
      }
      parts.push_back(LoadTsFile(path));
    }
  }
  TaskData data;
  try {
    data.dataset = MergeDatasets(parts);
  } catch (const InputError& error) {
    t.Fail("files", error.what());
  }
  if (t.Boolean("deduplicate", false)) RemoveDuplicateSequences(data.dataset);
  if (t.Boolean("time_channel", false)) AppendTimeChannel(data.dataset);
  return data;
}

}  // namespace

TaskData BuildTask(const ConfigTable& task) {
  const std::string kind = task.String("kind");
  if (kind == "burst_classification") return Burst(task);
  if (kind == "frequency_classification") return Frequency(task);
  if (kind == "windowed_mean") return WindowedMean(task);
  if (kind == "ts_file") return TsFiles(task);
  if (kind == "csv_file") {
    task.RejectUnknownKeys({"kind", "file", "output_step"});
    const int output_step = IntegerOr(task, "output_step", 1);
    return {LoadCsvSequences(FilePath(task), output_step), output_step};
  }
  task.Fail("kind", fmt::format("unknown task '{}', expected burst_classification, "
                                "frequency_classification, windowed_mean, ts_file or csv_file",
                                kind));
}

}  // namespace echolab
