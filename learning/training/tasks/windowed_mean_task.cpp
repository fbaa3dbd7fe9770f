#include "learning/training/tasks/windowed_mean_task.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

#include "learning/training/output_sampling.h"
#include "learning/training/tasks/task_validation.h"

namespace echolab {

void WindowedMeanTask::Validate() const {
  RequireAtLeast("task.sequences", sequences, 3);
  RequireAtLeast("task.length", length, 2);
  RequireAtLeast("task.window_steps", window_steps, 1);
  RequireAtLeast("task.output_step", output_step, 1);
  if (output_step > length) {
    FailField("task.output_step",
              fmt::format("expected at most the length {}, got {}", length, output_step));
  }
  RequirePositive("task.correlation_steps", correlation_steps);
}

SequenceDataset MakeWindowedMeanDataset(const WindowedMeanTask& task) {
  task.Validate();
  std::mt19937_64 random(task.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double a = std::exp(-1.0 / task.correlation_steps);
  const double innovation = std::sqrt(1.0 - a * a);
  const long rows = PredictedRows(task.length, task.output_step);

  SequenceDataset dataset{.name = fmt::format("windowed_mean_{}", task.length),
                          .kind = SequenceTaskKind::kRegression,
                          .input_channels = 1,
                          .output_channels = 1};
  for (int k = 0; k < task.sequences; ++k) {
    SequenceExample example{.inputs = Eigen::MatrixXd(task.length, 1),
                            .targets = Eigen::MatrixXd(rows, 1)};
    example.inputs(0, 0) = normal(random);
    for (int j = 1; j < task.length; ++j) {
      example.inputs(j, 0) = a * example.inputs(j - 1, 0) + innovation * normal(random);
    }
    // Running sum over the window: S_t = S_(t-1) + u_t - u_(t-W).
    Eigen::VectorXd window_mean(task.length);
    double sum = 0.0;
    for (int t = 0; t < task.length; ++t) {
      sum += example.inputs(t, 0);
      if (t >= task.window_steps) sum -= example.inputs(t - task.window_steps, 0);
      window_mean[t] = sum / task.window_steps;
    }
    for (long row = 0; row < rows; ++row) {
      example.targets(row, 0) = window_mean[PredictedStep(row, task.output_step)];
    }
    dataset.examples.push_back(std::move(example));
  }
  return dataset;
}

}  // namespace echolab
