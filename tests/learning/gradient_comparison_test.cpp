#include "learning/gradient_comparison.h"

#include <gtest/gtest.h>

#include <cmath>

namespace echolab {
namespace {

Vector Of(std::initializer_list<double> values) {
  Vector v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (double value : values) v[i++] = value;
  return v;
}

TEST(GradientComparison, MatchesTheDefinitionsOnNonZeroVectors) {
  const GradientAgreement agreement = Compare(Of({3.0, 0.0, -1.0}), Of({4.0, 0.0, 1.0}));
  // |g - r| = |(-1, 0, -2)| = √5, |r| = √17; g·r = 11, |g| = √10.
  EXPECT_DOUBLE_EQ(agreement.relative_error, std::sqrt(5.0) / std::sqrt(17.0));
  EXPECT_DOUBLE_EQ(agreement.cosine_similarity, 11.0 / std::sqrt(10.0 * 17.0));
  EXPECT_DOUBLE_EQ(agreement.sign_agreement, 2.0 / 3.0);
}

TEST(GradientComparison, TwoZeroGradientsAgreeExactly) {
  const GradientAgreement agreement = Compare(Of({0.0, 0.0}), Of({0.0, 0.0}));
  EXPECT_EQ(agreement.relative_error, 0.0);
  EXPECT_EQ(agreement.cosine_similarity, 1.0);
  EXPECT_EQ(agreement.sign_agreement, 1.0);
}

TEST(GradientComparison, ZeroAgainstNonZeroIsFarButNotNan) {
  const GradientAgreement missing = Compare(Of({0.0, 0.0}), Of({1.0, -2.0}));
  EXPECT_EQ(missing.relative_error, 1.0);
  EXPECT_EQ(missing.cosine_similarity, 0.0);
  const GradientAgreement spurious = Compare(Of({1.0, -2.0}), Of({0.0, 0.0}));
  EXPECT_TRUE(std::isinf(spurious.relative_error));
  EXPECT_EQ(spurious.cosine_similarity, 0.0);
}

}  // namespace
}  // namespace echolab
