#pragma once

#include "learning/training/sequence_model.h"
#include "sims/config/config_table.h"

namespace echolab {

/// The data of a training run and how its regression targets are sub-sampled.
struct TaskData {
  SequenceDataset dataset;
  int output_step = 1;  // output_sampling.h; 1 for classification
};

/// Builds the data set of a [task] table. Kinds:
///   "burst_classification"      long-range classification (tasks/burst_classification_task.h)
///   "frequency_classification"  frequency bands of a noisy sinusoid
///   "windowed_mean"             long-horizon regression, targets every output_step steps
///   "ts_file"                   a UEA/sktime .ts file (file = path relative to the config)
///   "csv_file"                  a CSV file in long layout (file, output_step)
/// See docs/configuration.md for every key.
TaskData BuildTask(const ConfigTable& task);

}  // namespace echolab
