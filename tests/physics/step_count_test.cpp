// Step counts against hand-computed values, and counts beyond the budget or
// the range of long refused before any integer cast.

#include "physics/step_count.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "common/error.h"
#include "physics/integrators/fixed_step_integrator.h"

namespace echolab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

std::string ErrorOf(double duration_s, double step_s, long max_count) {
  try {
    CountIntervals(duration_s, step_s, max_count, "integrator.step_s");
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for T = " << duration_s << ", h = " << step_s;
  return "";
}

TEST(StepCount, CountsTheIntervalsThatCoverTheDuration) {
  EXPECT_EQ(CountIntervals(10.0, 0.1, 1000, "integrator.step_s"), 100);
  EXPECT_EQ(CountIntervals(1.0, 0.3, 1000, "integrator.step_s"), 4);
  // At least one interval, even for a step far longer than the pass.
  EXPECT_EQ(CountIntervals(1e-30, 1.0, 1000, "integrator.step_s"), 1);
  EXPECT_EQ(FixedStepIntegrator::NumSteps(2.0, 0.5, 4), 4);
}

TEST(StepCount, RefusesCountsBeyondTheBudgetOrTheRangeOfLong) {
  EXPECT_THAT(
      ErrorOf(200.0, 1e-300, 100'000'000),
      AllOf(HasSubstr("integrator.step_s = 1e-300 s"), HasSubstr("simulation.duration_s = 200 s"),
            HasSubstr("needs 2e+302 steps"), HasSubstr("integrator.max_steps = 100000000")));
  EXPECT_THAT(ErrorOf(1e300, 0.01, 100'000'000), HasSubstr("needs 1e+302 steps"));
  EXPECT_THAT(ErrorOf(1.0, std::numeric_limits<double>::quiet_NaN(), 10), HasSubstr("nan"));
  EXPECT_THAT(ErrorOf(10.0, 0.1, 99), HasSubstr("needs 100 steps, more than"));
  EXPECT_THROW(FixedStepIntegrator::NumSteps(1e300, 1e-300, std::numeric_limits<long>::max()),
               InputError);
}

}  // namespace
}  // namespace echolab
