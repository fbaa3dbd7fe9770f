#include "learning/training/tasks/burst_classification_task.h"

#include <fmt/format.h>

#include <random>

#include "learning/training/tasks/task_validation.h"

namespace echolab {

void BurstClassificationTask::Validate() const {
  RequireAtLeast("task.sequences", sequences, 3);
  RequireAtLeast("task.length", length, 2);
  RequireAtLeast("task.classes", classes, 2);
  RequireAtLeast("task.burst_steps", burst_steps, 1);
  RequireFraction("task.burst_window_fraction", burst_window_fraction);
  if (burst_steps > burst_window_fraction * length) {
    FailField("task.burst_steps",
              fmt::format("expected at most burst_window_fraction × length = {}, got {}",
                          burst_window_fraction * length, burst_steps));
  }
  RequirePositive("task.burst_amplitude", burst_amplitude);
  RequireNonNegative("task.noise_std", noise_std);
}

SequenceDataset MakeBurstClassificationDataset(const BurstClassificationTask& task) {
  task.Validate();
  std::mt19937_64 random(task.seed);
  std::normal_distribution<double> noise(0.0, task.noise_std);
  const int last_start =
      static_cast<int>(task.burst_window_fraction * task.length) - task.burst_steps;
  std::uniform_int_distribution<int> burst_start(0, last_start);

  SequenceDataset dataset{.name = fmt::format("burst_classification_{}", task.length),
                          .kind = SequenceTaskKind::kClassification,
                          .input_channels = task.classes,
                          .classes = task.classes};
  for (int k = 0; k < task.sequences; ++k) {
    SequenceExample example{.inputs = Eigen::MatrixXd(task.length, task.classes),
                            .label = k % task.classes};
    for (Eigen::Index i = 0; i < example.inputs.size(); ++i) {
      example.inputs.data()[i] = noise(random);
    }
    example.inputs.col(example.label).segment(burst_start(random), task.burst_steps).array() +=
        task.burst_amplitude;
    dataset.examples.push_back(std::move(example));
  }
  return dataset;
}

}  // namespace echolab
