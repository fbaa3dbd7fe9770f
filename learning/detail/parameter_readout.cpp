#include "learning/detail/parameter_readout.h"

#include <algorithm>
#include <cmath>

namespace echolab::detail {

void HalfStepParameterGradient(const SimulationProblem& problem,
                               const SymmetricSplitting::Record& record, Vector* gradient,
                               Vector* scratch) {
  const HamiltonianSystem& system = *problem.system;
  system.PotentialParameterGradient(record.q_kick, problem.theta, record.u_kick, gradient);
  system.KineticParameterGradient(record.p_before_kick, problem.theta, scratch);
  *gradient += 0.5 * *scratch;
  system.KineticParameterGradient(record.p_after_kick, problem.theta, scratch);
  *gradient += 0.5 * *scratch;
}

ParameterReadout::ParameterReadout(Vector full_scale, double noise_relative, int bits,
                                   std::uint64_t seed)
    : full_scale_(std::move(full_scale)), noise_relative_(noise_relative), random_(seed) {
  if (bits > 0) step_ = full_scale_ / std::ldexp(1.0, bits - 1);
}

void ParameterReadout::Measure(const Vector& g, Vector* measured) {
  measured->resize(g.size());
  for (Eigen::Index i = 0; i < g.size(); ++i) {
    const double range = full_scale_[i];
    double value = g[i];
    if (noise_relative_ > 0.0) value += noise_relative_ * range * normal_(random_);
    if (step_.size() > 0) {
      value = step_[i] > 0.0 ? step_[i] * std::round(value / step_[i]) : 0.0;
      value = std::clamp(value, -range, range);
    }
    (*measured)[i] = value;
  }
}

}  // namespace echolab::detail
