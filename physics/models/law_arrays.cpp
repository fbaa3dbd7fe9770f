#include "physics/models/law_arrays.h"

namespace echolab {

void LawSlopes(const LawBlock& block, const Eigen::Ref<const Eigen::ArrayXd>& d,
               Eigen::Ref<Eigen::ArrayXd> slope) {
  switch (block.law) {
    case PotentialLaw::kHarmonic:
      slope = block.first * d;
      return;
    case PotentialLaw::kQuartic:
      slope = block.first * d + block.second * d.cube();
      return;
    case PotentialLaw::kCosine:
      slope = block.first * d.sin();
      return;
  }
}

void AddLawValueByParam(const LawBlock& block, const Eigen::Ref<const Eigen::ArrayXd>& d,
                        double weight, LawSumBlock* sum) {
  switch (block.law) {
    case PotentialLaw::kHarmonic:
      sum->first += (0.5 * weight) * d.square();
      return;
    case PotentialLaw::kQuartic:
      sum->first += (0.5 * weight) * d.square();
      sum->second += (0.25 * weight) * d.square().square();
      return;
    case PotentialLaw::kCosine:
      sum->first += weight * (1.0 - d.cos());
      return;
  }
}

void AddLawValueByParamDifference(const LawBlock& block,
                                  const Eigen::Ref<const Eigen::ArrayXd>& d_a,
                                  const Eigen::Ref<const Eigen::ArrayXd>& d_b, double weight,
                                  LawSumBlock* sum) {
  switch (block.law) {
    case PotentialLaw::kHarmonic:
      sum->first += (0.5 * weight) * (d_a - d_b) * (d_a + d_b);
      return;
    case PotentialLaw::kQuartic: {
      const Eigen::ArrayXd square_difference = (d_a - d_b) * (d_a + d_b);
      sum->first += (0.5 * weight) * square_difference;
      sum->second += (0.25 * weight) * square_difference * (d_a.square() + d_b.square());
      return;
    }
    case PotentialLaw::kCosine:
      sum->first += (2.0 * weight) * (0.5 * (d_a + d_b)).sin() * (0.5 * (d_a - d_b)).sin();
      return;
  }
}

}  // namespace echolab
