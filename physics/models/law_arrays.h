#pragma once

#include <Eigen/Core>

#include "physics/models/scalar_potential.h"

namespace echolab {

/// One scalar law (scalar_potential.h) applied entry-wise to a block of
/// arguments d_i, with its parameters as contiguous blocks of θ: `first`
/// holds k_i (harmonic, quartic) or E_i (cosine), `second` the b_i of a
/// quartic law (empty otherwise). The loops are array expressions, so that
/// they vectorise.
struct LawBlock {
  PotentialLaw law;
  Eigen::Map<const Eigen::ArrayXd> first;
  Eigen::Map<const Eigen::ArrayXd> second;
};

/// A writable pair of parameter blocks of a sum over θ, laid out as LawBlock.
struct LawSumBlock {
  Eigen::Map<Eigen::ArrayXd> first;
  Eigen::Map<Eigen::ArrayXd> second;
};

/// slope_i = φ'(d_i): k d, k d + b d³, or E sin d.
void LawSlopes(const LawBlock& block, const Eigen::Ref<const Eigen::ArrayXd>& d,
               Eigen::Ref<Eigen::ArrayXd> slope);

/// sum_j += weight ∂φ/∂param_j(d) entry-wise: ∂φ/∂k = d²/2, ∂φ/∂b = d⁴/4,
/// ∂φ/∂E = 1 - cos d.
void AddLawValueByParam(const LawBlock& block, const Eigen::Ref<const Eigen::ArrayXd>& d,
                        double weight, LawSumBlock* sum);

/// sum_j += weight [∂φ/∂param_j(d_a) - ∂φ/∂param_j(d_b)] entry-wise, in the
/// factored forms that avoid cancelling two nearly equal values:
///   (d_a² - d_b²) / 2 = (d_a - d_b)(d_a + d_b) / 2
///   (d_a⁴ - d_b⁴) / 4 = (d_a² - d_b²)(d_a² + d_b²) / 4
///   cos d_b - cos d_a = 2 sin((d_a + d_b) / 2) sin((d_a - d_b) / 2)
void AddLawValueByParamDifference(const LawBlock& block,
                                  const Eigen::Ref<const Eigen::ArrayXd>& d_a,
                                  const Eigen::Ref<const Eigen::ArrayXd>& d_b, double weight,
                                  LawSumBlock* sum);

}  // namespace echolab
