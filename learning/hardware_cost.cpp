#include "learning/hardware_cost.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace echolab {

void HardwareTiming::Validate() const {
  const auto check = [](double value_s, const char* field) {
    if (!(value_s >= 0.0) || !std::isfinite(value_s)) {
      throw InputError(fmt::format("{}: expected a time >= 0 s, got {}", field, value_s));
    }
  };
  check(flip_time_s, "flip_time_s");
  check(reset_time_s, "reset_time_s");
}

double ReadoutCost::RangeBits(double relative_accuracy) const {
  if (max_abs_integrand.size() == 0) return NAN;
  double bits = 0.0;
  for (Eigen::Index i = 0; i < max_abs_integrand.size(); ++i) {
    if (max_abs_integrand[i] == 0.0) continue;  // a parameter the pass does not feel
    // b = log2(max|g| / (ε mean|g|))
    bits = std::max(bits,
                    std::log2(max_abs_integrand[i] / (relative_accuracy * mean_abs_integrand[i])));
  }
  return bits;
}

double HardwareCost::PhysicalTime_s(const HardwareTiming& timing) const {
  return pass_time_s + timing.flip_time_s * flips + timing.reset_time_s * resets;
}

HardwareCost& HardwareCost::operator+=(const HardwareCost& other) {
  // The sum's energy is measured when every part's is (an empty cost is no part).
  has_energy = hardware_passes == 0 ? other.has_energy : has_energy && other.has_energy;
  hardware_passes += other.hardware_passes;
  flips += other.flips;
  resets += other.resets;
  pass_time_s += other.pass_time_s;
  energy += other.energy;
  if (readout.max_abs_integrand.size() == 0) {
    readout.max_abs_integrand = other.readout.max_abs_integrand;
    readout.min_abs_integrand = other.readout.min_abs_integrand;
    readout.mean_abs_integrand = other.readout.mean_abs_integrand;
  } else if (readout.max_abs_integrand.size() == other.readout.max_abs_integrand.size()) {
    readout.max_abs_integrand = readout.max_abs_integrand.cwiseMax(other.readout.max_abs_integrand);
    readout.min_abs_integrand = readout.min_abs_integrand.cwiseMin(other.readout.min_abs_integrand);
    // The mean over both experiments' samples.
    const auto mine = static_cast<double>(readout.samples_per_parameter);
    const auto theirs = static_cast<double>(other.readout.samples_per_parameter);
    if (mine + theirs > 0.0) {
      readout.mean_abs_integrand = (mine * readout.mean_abs_integrand +
                                    theirs * other.readout.mean_abs_integrand) /
                                   (mine + theirs);
    }
  }
  readout.samples_per_parameter += other.readout.samples_per_parameter;
  digital.model_evaluations += other.digital.model_evaluations;
  digital.flops += other.digital.flops;
  digital.memory_bytes = std::max(digital.memory_bytes, other.digital.memory_bytes);
  return *this;
}

double EvaluationFlops(const SimulationProblem& pass) {
  const HamiltonianSystem& system = *pass.system;
  const int n = system.num_dof();
  const Vector u = pass.input.Value(pass.start_time_s);
  PhaseState unit{Vector::Zero(n), Vector::Zero(n)};
  long nonzeros = 0;
  for (int i = 0; i < 2 * n; ++i) {
    double& entry = i < n ? unit.q[i] : unit.p[i - n];
    entry = 1.0;
    const PhaseState column = system.HessianProduct(pass.initial_state, pass.theta, u, unit);
    nonzeros += (column.q.array() != 0.0).count() + (column.p.array() != 0.0).count();
    entry = 0.0;
  }
  return 2.0 * static_cast<double>(nonzeros) + 4.0 * n;
}

}  // namespace echolab
