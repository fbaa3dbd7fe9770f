// The circuit's FusedEchoKernels: the inductor currents i_L = M⁻¹ φ_L of a
// kick serve both ∂V/∂Φ and ∂V/∂θ, and the capacitors' ∂T/∂θ come from the
// node voltages v = ∂T/∂Q that the drifts around the kick computed, so that a
// kick summing ∂θH_half costs no solve beyond the plain kick's.

#include <cmath>
#include <numbers>

#include "circuits/circuit_hamiltonian.h"

namespace echolab {
namespace {
constexpr double kTwoPi = 2.0 * std::numbers::pi;
}  // namespace

// ∂V/∂Φ at q into *grad_q (as DoPotentialGradient), with the inductor
// currents i_L it took on the way into *current.
void CircuitHamiltonian::PotentialGradientWithCurrents(const Vector& q, const Vector& theta,
                                                       const Vector& u, Vector* grad_q,
                                                       Vector* current) const {
  if (inductors_.empty()) {
    grad_q->setZero(num_dof());
  } else {
    *current = InductorCurrents(BranchFluxes(q, u), theta);
    *grad_q = ScatterInductors(*current);
  }
  AddNonInductivePotentialGradient(q, theta, u, grad_q);
}

// sum += w [∂V/∂θ(q_a) - ∂V/∂θ(q_b)] over the junctions and the capacitors to
// driven nodes (sum += w ∂V/∂θ(q_a) when q_b is null), with
//   (1 - cos φ_a) - (1 - cos φ_b) = 2 sin((φ_a + φ_b) / 2) sin((φ_a - φ_b) / 2)
// so that two nearly equal echoes do not cancel.
void CircuitHamiltonian::AddNonInductiveParameterTerms(const Vector& q_a, const Vector* q_b,
                                                       const Vector& u, double weight,
                                                       Vector* sum) const {
  const Vector driven_flux = Driven(u, DrivenQuantity::kFlux);
  for (const Branch& j : junctions_) {
    const double phase_a = JunctionPhase(j, q_a, driven_flux);
    const double phase_b = q_b == nullptr ? 0.0 : JunctionPhase(j, *q_b, driven_flux);
    (*sum)[j.param] += weight * kFluxQuantum_Wb / kTwoPi * 2.0 *
                       std::sin(0.5 * (phase_a + phase_b)) * std::sin(0.5 * (phase_a - phase_b));
  }
  if (driven_.nodes.empty()) return;
  const Vector driven_slope = Driven(u, DrivenQuantity::kSlope);
  for (const Branch& c : capacitors_) {
    const double across = q_b == nullptr ? c.Across(q_a) : c.Across(q_a) - c.Across(*q_b);
    (*sum)[c.param] += weight * across * c.DrivenAcross(driven_slope);
  }
}

// ∂V/∂Φ, and sum += w ∂V/∂θ with ∂V/∂L, ∂V/∂k = -½ i_Lᵀ (∂M/∂θ) i_L from the
// currents of the gradient.
void CircuitHamiltonian::DoPotentialGradientWithParameterSum(const Vector& q, const Vector& theta,
                                                             const Vector& u, double weight,
                                                             Vector* grad_q,
                                                             Vector* parameter_sum) const {
  Vector current;
  PotentialGradientWithCurrents(q, theta, u, grad_q, &current);
  if (!inductors_.empty())
    AddInductanceDerivatives(theta, current, current, -0.5 * weight, parameter_sum);
  AddNonInductiveParameterTerms(q, nullptr, u, weight, parameter_sum);
}

// The pair: -½ [i_aᵀ (∂M/∂θ) i_a - i_bᵀ (∂M/∂θ) i_b] = -½ (i_a - i_b)ᵀ (∂M/∂θ) (i_a + i_b),
// ∂M/∂θ being symmetric.
void CircuitHamiltonian::DoPotentialGradientPairWithParameterDifference(
    const Vector& q_a, const Vector& q_b, const Vector& theta, const Vector& u, double weight,
    Vector* grad_a, Vector* grad_b, Vector* difference_sum) const {
  Vector current_a, current_b;
  PotentialGradientWithCurrents(q_a, theta, u, grad_a, &current_a);
  PotentialGradientWithCurrents(q_b, theta, u, grad_b, &current_b);
  if (!inductors_.empty()) {
    AddInductanceDerivatives(theta, current_a - current_b, current_a + current_b, -0.5 * weight,
                             difference_sum);
  }
  AddNonInductiveParameterTerms(q_a, &q_b, u, weight, difference_sum);
}

// r_c with ∂T/∂C_c = -½ r_c²: r_c = a_cᵀ v for a linear circuit, Q_c / C0_c
// with varactors (Q_c = Q(a_cᵀ v), DoKineticParameterGradient), from the
// node voltages v = ∂T/∂Q.
Vector CircuitHamiltonian::CapacitorChargeRatios(const Vector& voltage, const Vector& theta) const {
  const auto count = static_cast<Eigen::Index>(capacitors_.size());
  Vector ratio(count);
  if (!has_varactors_) {
    for (Eigen::Index c = 0; c < count; ++c) ratio[c] = capacitors_[c].Across(voltage);
    return ratio;
  }
  NodeVoltages state;
  BranchCharges(voltage, theta, &state);
  for (Eigen::Index c = 0; c < count; ++c) {
    ratio[c] = state.branch_charge[c] / theta[capacitors_[c].param];
  }
  return ratio;
}

// sum += w ½ [∂T/∂C(before) + ∂T/∂C(after)] = -¼ w (r_before² + r_after²)
void CircuitHamiltonian::DoAddHalfStepKineticParameterGradient(const KickMomenta& kick,
                                                               const Vector& theta, double weight,
                                                               Vector* parameter_sum) const {
  const Vector before = CapacitorChargeRatios(kick.velocity_before, theta);
  const Vector after = CapacitorChargeRatios(kick.velocity_after, theta);
  for (size_t c = 0; c < capacitors_.size(); ++c) {
    const auto k = static_cast<Eigen::Index>(c);
    (*parameter_sum)[capacitors_[c].param] -=
        0.25 * weight * (before[k] * before[k] + after[k] * after[k]);
  }
}

// The difference of two states' sums, each difference of squares factored as
// (x - y)(x + y): -¼ w [(r_before,a - r_before,b)(r_before,a + r_before,b) + (the same after)].
void CircuitHamiltonian::DoAddHalfStepKineticParameterDifference(const KickMomenta& a,
                                                                 const KickMomenta& b,
                                                                 const Vector& theta, double weight,
                                                                 Vector* difference_sum) const {
  const Vector before_a = CapacitorChargeRatios(a.velocity_before, theta);
  const Vector after_a = CapacitorChargeRatios(a.velocity_after, theta);
  const Vector before_b = CapacitorChargeRatios(b.velocity_before, theta);
  const Vector after_b = CapacitorChargeRatios(b.velocity_after, theta);
  for (size_t c = 0; c < capacitors_.size(); ++c) {
    const auto k = static_cast<Eigen::Index>(c);
    (*difference_sum)[capacitors_[c].param] -=
        0.25 * weight *
        ((before_a[k] - before_b[k]) * (before_a[k] + before_b[k]) +
         (after_a[k] - after_b[k]) * (after_a[k] + after_b[k]));
  }
}

}  // namespace echolab
