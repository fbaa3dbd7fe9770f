// Adam against steps computed by hand from the update rule.

#include "learning/training/adam_optimizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace echolab {
namespace {

using ::testing::HasSubstr;

TEST(AdamOptimizer, FirstTwoStepsMatchHandComputation) {
  AdamOptimizer adam({.learning_rate = 0.1}, 1);
  Eigen::VectorXd theta{{1.0}};
  // Step 1, g = 2: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, θ = 1 - 0.1 × 2 / (2 + 1e-8).
  adam.Step(Eigen::VectorXd{{2.0}}, &theta);
  EXPECT_NEAR(theta[0], 0.9, 1e-9);
  // Step 2, g = 1: m = 0.28, v = 0.004996, m̂ = 0.28 / 0.19 = 1.4736842,
  // v̂ = 0.004996 / 0.001999 = 2.4992496, √v̂ = 1.5809015,
  // θ = 0.9 - 0.1 × 1.4736842 / 1.5809015 = 0.8067820.
  adam.Step(Eigen::VectorXd{{1.0}}, &theta);
  EXPECT_NEAR(theta[0], 0.8067820, 1e-7);
  EXPECT_EQ(adam.moments().steps, 2);
  EXPECT_NEAR(adam.moments().first[0], 0.28, 1e-15);
  EXPECT_NEAR(adam.moments().second[0], 0.004996, 1e-15);
}

TEST(AdamOptimizer, EachEntryStepsByAboutTheLearningRateAtFirst) {
  // m̂ / √v̂ = g / |g| on the first step, whatever the gradient's scale.
  AdamOptimizer adam({.learning_rate = 0.01}, 3);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(3);
  adam.Step(Eigen::VectorXd{{1e-6, -3.0, 250.0}}, &theta);
  EXPECT_NEAR(theta[0], -0.01, 1e-4);
  EXPECT_NEAR(theta[1], 0.01, 1e-9);
  EXPECT_NEAR(theta[2], -0.01, 1e-9);
}

// Parameters given a learning rate of their own step by it, the others by
// the options' rate.
TEST(AdamOptimizer, ChosenParametersStepByTheirOwnLearningRate) {
  AdamOptimizer adam({.learning_rate = 0.01}, 3);
  adam.SetLearningRate({0, 2}, 1e-4);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(3);
  adam.Step(Eigen::VectorXd{{2.0, -3.0, 250.0}}, &theta);
  EXPECT_NEAR(theta[0], -1e-4, 1e-12);
  EXPECT_NEAR(theta[1], 0.01, 1e-9);
  EXPECT_NEAR(theta[2], -1e-4, 1e-12);
  EXPECT_THROW(adam.SetLearningRate({3}, 1e-3), InputError);
  EXPECT_THROW(adam.SetLearningRate({0}, 0.0), InputError);
}

TEST(AdamOptimizer, RestoredMomentsContinueIdentically) {
  AdamOptimizer first({}, 2), second({}, 2);
  Eigen::VectorXd a{{0.5, -0.5}}, b;
  first.Step(Eigen::VectorXd{{1.0, 2.0}}, &a);
  b = a;
  second.Restore(first.moments());
  first.Step(Eigen::VectorXd{{-1.0, 0.5}}, &a);
  second.Step(Eigen::VectorXd{{-1.0, 0.5}}, &b);
  EXPECT_EQ(a, b);
}

TEST(AdamOptions, ValidateNamesTheBadField) {
  EXPECT_THAT([] { AdamOptions{.learning_rate = 0.0}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("adam.learning_rate")));
  EXPECT_THAT([] { AdamOptions{.beta1 = 1.0}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("adam.beta1")));
  EXPECT_THAT([] { AdamOptions{.beta2 = -0.1}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("adam.beta2")));
  EXPECT_THAT([] { AdamOptions{.epsilon = 0.0}.Validate(); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("adam.epsilon")));
  EXPECT_NO_THROW(AdamOptions{}.Validate());
}

TEST(AdamOptimizer, RefusesMomentsOfAnotherSize) {
  AdamOptimizer adam({}, 2);
  EXPECT_THROW(
      adam.Restore({.first = Eigen::VectorXd::Zero(3), .second = Eigen::VectorXd::Zero(3)}),
      InputError);
}

}  // namespace
}  // namespace echolab
