#include "learning/gradient_comparison.h"

#include <fmt/format.h>

#include <limits>

#include "common/error.h"

namespace echolab {

GradientAgreement Compare(const Vector& estimate, const Vector& reference) {
  if (estimate.size() != reference.size()) {
    throw InputError(
        fmt::format("comparing gradients of {} and {} entries", estimate.size(), reference.size()));
  }
  GradientAgreement agreement;
  const double reference_norm = reference.norm();
  const double estimate_norm = estimate.norm();
  // A zero reference: two zero vectors agree exactly (error 0, cosine 1); a
  // non-zero estimate is infinitely far from it in relative terms (cosine 0).
  if (reference_norm == 0.0 || estimate_norm == 0.0) {
    const bool both_zero = reference_norm == 0.0 && estimate_norm == 0.0;
    agreement.relative_error =
        both_zero ? 0.0
                  : (reference_norm == 0.0 ? std::numeric_limits<double>::infinity() : 1.0);
    agreement.cosine_similarity = both_zero ? 1.0 : 0.0;
  } else {
    agreement.relative_error = (estimate - reference).norm() / reference_norm;
    agreement.cosine_similarity = estimate.dot(reference) / (estimate_norm * reference_norm);
  }
  long same_sign = 0;
  for (Eigen::Index i = 0; i < reference.size(); ++i) {
    if ((estimate[i] > 0) == (reference[i] > 0)) ++same_sign;
  }
  agreement.sign_agreement =
      reference.size() > 0 ? static_cast<double>(same_sign) / static_cast<double>(reference.size())
                           : 1.0;
  return agreement;
}

Vector StackedGradient(const GradientResult& result) {
  Vector stacked(result.dL_dtheta.size() + result.dL_dx0.q.size() + result.dL_dx0.p.size());
  stacked << result.dL_dtheta, result.dL_dx0.q, result.dL_dx0.p;
  return stacked;
}

}  // namespace echolab
