// The task generators against the property that defines each class or
// target, computed here independently: the burst's channel, the sinusoid's
// frequency band (by a discrete Fourier transform), the windowed mean.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "common/error.h"
#include "learning/training/output_sampling.h"
#include "learning/training/tasks/burst_classification_task.h"
#include "learning/training/tasks/frequency_classification_task.h"
#include "learning/training/tasks/windowed_mean_task.h"

namespace echolab {
namespace {

using ::testing::HasSubstr;

std::vector<int> ClassCounts(const SequenceDataset& data) {
  std::vector<int> counts(static_cast<size_t>(data.classes), 0);
  for (const SequenceExample& example : data.examples) ++counts.at(example.label);
  return counts;
}

TEST(BurstClassification, ClassesAreBalancedAndTheBurstSaysTheClass) {
  const BurstClassificationTask task{.sequences = 40, .length = 2000, .classes = 4, .seed = 3};
  const SequenceDataset data = MakeBurstClassificationDataset(task);
  ASSERT_EQ(data.examples.size(), 40u);
  EXPECT_EQ(ClassCounts(data), (std::vector<int>{10, 10, 10, 10}));
  EXPECT_EQ(data.input_channels, 4);
  const int window = static_cast<int>(task.burst_window_fraction * task.length);
  for (const SequenceExample& example : data.examples) {
    ASSERT_EQ(example.inputs.rows(), 2000);
    // The channel with the largest sum over burst_steps in the early window.
    Eigen::Index best_channel = -1;
    double best_sum = -1e300;
    for (Eigen::Index c = 0; c < example.inputs.cols(); ++c) {
      for (int start = 0; start + task.burst_steps <= window; ++start) {
        const double sum = example.inputs.col(c).segment(start, task.burst_steps).sum();
        if (sum > best_sum) best_sum = sum, best_channel = c;
      }
    }
    EXPECT_EQ(best_channel, example.label);
    // After the window, noise alone: mean near zero.
    EXPECT_NEAR(example.inputs.bottomRows(task.length - window).mean(), 0.0, 0.05);
  }
}

TEST(BurstClassification, TheSeedFixesTheData) {
  const BurstClassificationTask task{.sequences = 6, .length = 100, .seed = 5};
  EXPECT_EQ(MakeBurstClassificationDataset(task).examples[4].inputs,
            MakeBurstClassificationDataset(task).examples[4].inputs);
  BurstClassificationTask other = task;
  other.seed = 6;
  EXPECT_NE(MakeBurstClassificationDataset(task).examples[4].inputs,
            MakeBurstClassificationDataset(other).examples[4].inputs);
}

TEST(BurstClassification, ValidateNamesTheBadField) {
  EXPECT_THAT(([] { BurstClassificationTask{.length = 50, .burst_steps = 10}.Validate(); }),
              ::testing::ThrowsMessage<InputError>(HasSubstr("task.burst_steps")));
  EXPECT_THAT([] { BurstClassificationTask{.classes = 1}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("task.classes")));
}

// The frequency in cycles per step of the largest DFT magnitude, on a fine grid.
double PeakFrequency(const Eigen::VectorXd& x) {
  double best_frequency = 0.0, best_power = -1.0;
  for (double f = 0.002; f < 0.5; f += 0.0005) {
    std::complex<double> sum = 0.0;
    for (Eigen::Index j = 0; j < x.size(); ++j) {
      sum += x[j] * std::polar(1.0, -2.0 * std::numbers::pi * f * static_cast<double>(j));
    }
    if (std::norm(sum) > best_power) best_power = std::norm(sum), best_frequency = f;
  }
  return best_frequency;
}

TEST(FrequencyClassification, ClassesAreBalancedAndTheFrequencyLiesInTheClassBand) {
  const FrequencyClassificationTask task{.sequences = 30, .length = 800, .classes = 3, .seed = 2};
  const SequenceDataset data = MakeFrequencyClassificationDataset(task);
  EXPECT_EQ(ClassCounts(data), (std::vector<int>{10, 10, 10}));
  // Bands of width 0.19 / 3 between 0.01 and 0.2 cycles per step.
  const double width = 0.19 / 3.0;
  for (const SequenceExample& example : data.examples) {
    const double f = PeakFrequency(example.inputs.col(0));
    EXPECT_GE(f, 0.01 + width * example.label) << "class " << example.label;
    EXPECT_LT(f, 0.01 + width * (example.label + 1)) << "class " << example.label;
  }
}

TEST(FrequencyClassification, RefusesFrequenciesAboveNyquist) {
  EXPECT_THAT([] { FrequencyClassificationTask{.max_frequency = 0.6}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("task.max_frequency")));
}

TEST(WindowedMean, TargetsAreTheWindowedMeanSubSampled) {
  const WindowedMeanTask task{
      .sequences = 4, .length = 300, .window_steps = 50, .output_step = 7, .seed = 9};
  const SequenceDataset data = MakeWindowedMeanDataset(task);
  EXPECT_EQ(data.kind, SequenceTaskKind::kRegression);
  for (const SequenceExample& example : data.examples) {
    ASSERT_EQ(example.targets.rows(), 300 / 7);
    for (Eigen::Index k = 0; k < example.targets.rows(); ++k) {
      const long t = (k + 1) * 7 - 1;
      double sum = 0.0;
      for (long i = std::max(0L, t - 49); i <= t; ++i) sum += example.inputs(i, 0);
      EXPECT_NEAR(example.targets(k, 0), sum / 50.0, 1e-12) << "row " << k;
    }
  }
}

TEST(WindowedMean, InputHasUnitVarianceAndTheRequestedCorrelation) {
  const WindowedMeanTask task{.sequences = 20, .length = 5000, .correlation_steps = 10.0};
  const SequenceDataset data = MakeWindowedMeanDataset(task);
  double sum_sq = 0.0, lag_product = 0.0;
  long count = 0;
  for (const SequenceExample& example : data.examples) {
    const Eigen::VectorXd u = example.inputs.col(0);
    sum_sq += u.squaredNorm();
    lag_product += u.head(u.size() - 10).dot(u.tail(u.size() - 10));
    count += u.size();
  }
  EXPECT_NEAR(sum_sq / static_cast<double>(count), 1.0, 0.05);
  // Autocorrelation at lag τ is exp(-1) for an AR(1) of correlation time τ.
  EXPECT_NEAR(lag_product / sum_sq, std::exp(-1.0), 0.05);
}

TEST(OutputSampling, RowKIsTheLastStepOfItsBlock) {
  EXPECT_EQ(PredictedStep(0, 1), 0);
  EXPECT_EQ(PredictedStep(0, 10), 9);
  EXPECT_EQ(PredictedStep(3, 10), 39);
  EXPECT_EQ(PredictedRows(45, 10), 4);
}

}  // namespace
}  // namespace echolab
