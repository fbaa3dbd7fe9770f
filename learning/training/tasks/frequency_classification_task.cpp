#include "learning/training/tasks/frequency_classification_task.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <random>

#include "learning/training/tasks/task_validation.h"

namespace echolab {

void FrequencyClassificationTask::Validate() const {
  RequireAtLeast("task.sequences", sequences, 3);
  RequireAtLeast("task.length", length, 2);
  RequireAtLeast("task.classes", classes, 2);
  RequirePositive("task.min_frequency", min_frequency);
  if (!(max_frequency > min_frequency && max_frequency <= 0.5)) {
    FailField("task.max_frequency",
              fmt::format("expected a frequency in (min_frequency, 0.5] cycles per step (below "
                          "Nyquist), got {}",
                          max_frequency));
  }
  RequireFraction("task.band_fill", band_fill);
  RequireNonNegative("task.noise_std", noise_std);
}

double FrequencyClassificationTask::BandEdge(int c) const {
  return min_frequency + (max_frequency - min_frequency) * c / classes;
}

SequenceDataset MakeFrequencyClassificationDataset(const FrequencyClassificationTask& task) {
  task.Validate();
  std::mt19937_64 random(task.seed);
  std::normal_distribution<double> noise(0.0, task.noise_std);
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  SequenceDataset dataset{.name = fmt::format("frequency_classification_{}", task.length),
                          .kind = SequenceTaskKind::kClassification,
                          .input_channels = 1,
                          .classes = task.classes};
  const double width = task.BandEdge(1) - task.BandEdge(0);
  for (int k = 0; k < task.sequences; ++k) {
    const int label = k % task.classes;
    // f uniform in the central band_fill of band c.
    const double centre = task.BandEdge(label) + 0.5 * width;
    const double frequency = centre + (unit(random) - 0.5) * task.band_fill * width;
    const double phase_rad = 2.0 * std::numbers::pi * unit(random);
    SequenceExample example{.inputs = Eigen::MatrixXd(task.length, 1), .label = label};
    for (int j = 0; j < task.length; ++j) {
      example.inputs(j, 0) =
          std::sin(2.0 * std::numbers::pi * frequency * j + phase_rad) + noise(random);
    }
    dataset.examples.push_back(std::move(example));
  }
  return dataset;
}

}  // namespace echolab
