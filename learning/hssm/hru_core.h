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

// Steps first … first + count − 1 of every sequence: a contiguous block of columns.
inline auto StepRange(Eigen::MatrixXd& sequence, int first, int count, int batch) {
  return sequence.middleCols(static_cast<Eigen::Index>(first) * batch,
                             static_cast<Eigen::Index>(count) * batch);
}
inline auto StepRange(const Eigen::MatrixXd& sequence, int first, int count, int batch) {
  return sequence.middleCols(static_cast<Eigen::Index>(first) * batch,
                             static_cast<Eigen::Index>(count) * batch);
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

/// The same leapfrog steps from `state`, which they advance: a pass in chunks of steps.
/// `observe` gets the step index within `forces`.
void AdvanceHru(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch, HruState& state,
                const PositionObserver& observe);

/// The forward pass retraced backwards over the steps of `forces`, its last step first, from
/// `state` (the state after the last step), which it moves back to the state before the
/// first. The leapfrog is time-reversible: from (q_(k+1), −p_(k+1)) one step with f_k
/// reaches (q_k, −p_k). `observe(k, q_(k+1))` before each step k, as RunHruEchoSteps.
void RetreatHru(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch, HruState& state,
                const PositionObserver& observe);

/// The same pass, keeping the state at the start of every step for BpttHruGradient.
HruTrajectory RunHruRecorded(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                             const PositionObserver& observe);

/// The two echoes of discrete RHEL for one HRU in pair form, (q, p)(±β) = (m_q, m_p) ±
/// (d_q, d_p), each P × batch, and the gradient read from them so far. The half-difference d
/// is O(β) and carried apart from the mean, so that the estimates, which divide it by β, do
/// not inherit the rounding of the O(1) states.
struct HruEcho {
  Eigen::MatrixXd mean_q;
  Eigen::MatrixXd mean_p;
  Eigen::MatrixXd difference_q;
  Eigen::MatrixXd difference_p;
  double beta = 0.0;
  Eigen::VectorXd parameters;     // Σ of the potential's part of dL/dθ (raw layout)
  Eigen::VectorXd step_gradient;  // dL/dδ, for a trainable step
};

/// Φe(±β) before any nudge: the flipped final state m_q = q_K, m_p = −p_K, d = 0.
HruEcho StartHruEcho(const HruUnit& unit, const HruState& final_state, double beta);

/// Runs the echoes back through the steps of one chunk, its last step first. For each step
/// k: the linearised nudge p(±β) += ±β dL/dq_(k+1), i.e. d_p += β dL/dq_(k+1) (column
/// block k of `position_gradients`), `observe(k, m_q)` (the forward q_(k+1) retraced), one
/// leapfrog step of both echoes with the input f_k, and the half-step estimates
///   dL/dθ += −1/(2β) [∂θ H_half(+β) − ∂θ H_half(−β)],
///   dL/df_k = −1/(2β) [∂f H_half(+β) − ∂f H_half(−β)]   (column block k of force_gradients),
/// H_half = Σ_i δ_i [v_i(q_a) + ¼ (p_i² + p'_i²)] with p, p' the momenta around the kick;
/// the differences are taken in pair form (HruUnit::AddPotentialParameterHalfDifference).
void RunHruEchoSteps(const HruUnit& unit, const Eigen::MatrixXd& forces,
                     const Eigen::MatrixXd& position_gradients, HruEcho& echo,
                     Eigen::MatrixXd& force_gradients, const PositionObserver& observe);

/// dL/dθ of the unit (raw layout) once the echoes have run back to step 0.
Eigen::VectorXd HruEchoParameterGradient(const HruUnit& unit, const HruEcho& echo);

/// Discrete RHEL for one HRU on a whole sequence: flip the momenta of the final state and
/// run the echoes (RunHruEchoSteps) on the inputs replayed backwards, nudged by the fixed
/// sequence `position_gradients` (column block k = dL/dq_(k+1)). `observe` gets the mean
/// position of the two echoes, the forward positions retraced (exactly for linear units, to
/// O(β²) otherwise). Memory: O(P · batch) beyond the inputs.
HruGradient EchoHruGradient(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                            const HruState& final_state, const Eigen::MatrixXd& position_gradients,
                            double beta, const PositionObserver& observe);

/// Backpropagation through time: the reverse pass through every drift and kick of the
/// recorded forward pass, for the same loss as EchoHruGradient.
HruGradient BpttHruGradient(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                            const HruTrajectory& trajectory,
                            const Eigen::MatrixXd& position_gradients);

}  // namespace echolab
