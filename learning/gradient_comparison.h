#pragma once

#include "learning/gradient_method.h"

namespace echolab {

/// How far an estimate g is from a reference r, for one gradient vector.
/// Zero vectors: g = r = 0 agree exactly (error 0, cosine 1); g = 0 against a
/// non-zero r has error 1 and cosine 0; a non-zero g against r = 0 has an
/// infinite relative error (null in JSON) and cosine 0.
struct GradientAgreement {
  double relative_error = 0.0;     // |g - r| / |r|
  double cosine_similarity = 0.0;  // g·r / (|g| |r|)
  double sign_agreement = 0.0;     // fraction of entries with the same sign
};

GradientAgreement Compare(const Vector& estimate, const Vector& reference);

/// The whole gradient as one vector: [dL/dθ; dL/dq0; dL/dp0].
Vector StackedGradient(const GradientResult& result);

}  // namespace echolab
