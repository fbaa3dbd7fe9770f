#pragma once

#include <Eigen/Dense>
#include <functional>

#include "learning/hssm/hru_unit.h"

namespace echolab {

// Sequences of a batch are stored time-major: a matrix of channels × (K · batch) whose
// column k · batch + b is step k of sequence b, so that one time step is a contiguous block.
inline auto StepColumns(Eigen::MatrixXd& sequence, int step, int batch) {
  return sequence.middleCols(static_cast<Eigen::Index>(step) * batch, batch);
}
inline auto StepColumns(const Eigen::MatrixXd& sequence, int step, int batch) {
  return sequence.middleCols(static_cast<Eigen::Index>(step) * batch, batch);
}

/// The state of a batch of HRUs: positions and momenta, P × batch each.
struct HruState {
  Eigen::MatrixXd q;
  Eigen::MatrixXd p;
};

/// The states q_0 … q_K, p_0 … p_K of a forward pass (P × ((K + 1) · batch) each), kept by
/// backpropagation through time. The echo does not need it.
struct HruTrajectory {
  Eigen::MatrixXd q;
  Eigen::MatrixXd p;
};

/// dL/dθ of the unit (raw layout) and dL/df_k for every step (P × (K · batch)).
struct HruGradient {
  Eigen::VectorXd parameters;
  Eigen::MatrixXd forces;
};

/// Called with the positions q_(k+1) reached after the input of step k.
using PositionObserver = std::function<void(int step, const Eigen::MatrixXd& q)>;

/// The forward pass from rest, one leapfrog step per input f_k (P × (K · batch)):
///   q_a = q_k + ½ δ p_k,   p_(k+1) = p_k − δ ∇v(q_a, f_k),   q_(k+1) = q_a + ½ δ p_(k+1).
/// Keeps only the running state, O(P · batch), and returns the final one.
HruState RunHru(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                const PositionObserver& observe);

/// The same pass, keeping the state at the start of every step for BpttHruGradient.
HruTrajectory RunHruRecorded(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                             const PositionObserver& observe);

/// Discrete RHEL for one HRU: flip the momenta of the final state, run two echoes at ±β
/// together (P × 2 · batch) on the inputs replayed backwards, nudge each after every step by
/// ±β Sx Δ (a momentum kick ±β dL/dq_k, from the fixed sequence `position_gradients`, column
/// block k = dL/dq_(k+1)), and read the gradient from the half-step Hamiltonian:
///   dL/dθ ≈ −1/(2β) Σ_k [∂θ H_half(+β) − ∂θ H_half(−β)],
///   dL/df_k ≈ −1/(2β) [∂f H_half(+β) − ∂f H_half(−β)],
/// H_half = Σ_i δ_i [v_i(q_a) + ¼ (p_i² + p'_i²)] with p, p' the momenta around the kick.
/// `observe` gets the mean position of the two echoes, the forward positions retraced
/// (exactly for linear units, to O(β²) otherwise). Memory: O(P · batch) beyond the inputs.
HruGradient EchoHruGradient(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                            const HruState& final_state, const Eigen::MatrixXd& position_gradients,
                            double beta, const PositionObserver& observe);

/// Backpropagation through time: the reverse pass through every drift and kick of the
/// recorded forward pass, for the same loss as EchoHruGradient.
HruGradient BpttHruGradient(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                            const HruTrajectory& trajectory,
                            const Eigen::MatrixXd& position_gradients);

}  // namespace echolab
