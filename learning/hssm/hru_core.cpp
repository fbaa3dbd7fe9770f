#include "learning/hssm/hru_core.h"

#include <fmt/format.h>

#include "common/error.h"

namespace echolab {
namespace {

// Buffers of one leapfrog step over n columns, allocated once per pass.
struct LeapfrogWorkspace {
  LeapfrogWorkspace(int state_size, int columns)
      : force(state_size, columns),
        half_position(state_size, columns),
        potential_gradient(state_size, columns) {}
  Eigen::MatrixXd force;               // f_k
  Eigen::MatrixXd half_position;       // q_a
  Eigen::MatrixXd potential_gradient;  // ∇v(q_a, f_k)
};

void RequireShape(const char* field, const Eigen::MatrixXd& m, Eigen::Index rows,
                  Eigen::Index cols) {
  if (m.rows() != rows || m.cols() != cols) {
    throw InputError(
        fmt::format("{}: expected {} x {}, got {} x {}", field, rows, cols, m.rows(), m.cols()));
  }
}

// The forces: P rows, at least one step of `batch` columns.
void RequireForces(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch) {
  if (batch < 1 || forces.cols() < batch || forces.cols() % batch != 0 ||
      forces.rows() != unit.state_size()) {
    throw InputError(fmt::format(
        "forces: expected {} rows and a positive multiple of the batch {} of columns, got {} x {}",
        unit.state_size(), batch, forces.rows(), forces.cols()));
  }
}

int StepCount(const Eigen::MatrixXd& forces, int batch) {
  return static_cast<int>(forces.cols() / batch);
}

// One drift–kick–drift step on (q, p) with the force input in w.force; leaves q_a and
// ∇v(q_a, f) in the workspace.
void LeapfrogStep(const HruUnit& unit, Eigen::MatrixXd& q, Eigen::MatrixXd& p,
                  LeapfrogWorkspace& w) {
  const Eigen::ArrayXd& step = unit.step();
  // q_a = q + ½ δ p
  w.half_position.array() = q.array() + 0.5 * (p.array().colwise() * step);
  unit.PotentialGradient(w.half_position, w.force, w.potential_gradient);
  // p' = p − δ ∇v(q_a, f)
  p.array() -= w.potential_gradient.array().colwise() * step;
  // q' = q_a + ½ δ p'
  q.array() = w.half_position.array() + 0.5 * (p.array().colwise() * step);
}

// The linearised nudge of both echoes: p(±β) += ±β dL/dq.
template <class Block>
void NudgeEchoes(Eigen::MatrixXd& p, const Block& position_gradient, double beta) {
  const Eigen::Index batch = position_gradient.cols();
  p.leftCols(batch) += beta * position_gradient;
  p.rightCols(batch) -= beta * position_gradient;
}

}  // namespace

HruState RunHru(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                const PositionObserver& observe) {
  HruState state{Eigen::MatrixXd::Zero(unit.state_size(), batch),
                 Eigen::MatrixXd::Zero(unit.state_size(), batch)};
  AdvanceHru(unit, forces, batch, state, observe);
  return state;
}

void AdvanceHru(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch, HruState& state,
                const PositionObserver& observe) {
  RequireForces(unit, forces, batch);
  RequireShape("state.q", state.q, unit.state_size(), batch);
  RequireShape("state.p", state.p, unit.state_size(), batch);
  LeapfrogWorkspace w(unit.state_size(), batch);
  for (int k = 0; k < StepCount(forces, batch); ++k) {
    w.force = StepColumns(forces, k, batch);
    LeapfrogStep(unit, state.q, state.p, w);
    if (observe) observe(k, state.q);
  }
}

void RetreatHru(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch, HruState& state,
                const PositionObserver& observe) {
  RequireForces(unit, forces, batch);
  RequireShape("state.q", state.q, unit.state_size(), batch);
  RequireShape("state.p", state.p, unit.state_size(), batch);
  LeapfrogWorkspace w(unit.state_size(), batch);
  state.p = -state.p;
  for (int k = StepCount(forces, batch) - 1; k >= 0; --k) {
    if (observe) observe(k, state.q);
    w.force = StepColumns(forces, k, batch);
    LeapfrogStep(unit, state.q, state.p, w);
  }
  state.p = -state.p;
}

HruTrajectory RunHruRecorded(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                             const PositionObserver& observe) {
  RequireForces(unit, forces, batch);
  const int state_size = unit.state_size();
  HruTrajectory trajectory{Eigen::MatrixXd(state_size, forces.cols() + batch),
                           Eigen::MatrixXd(state_size, forces.cols() + batch)};
  HruState state{Eigen::MatrixXd::Zero(state_size, batch),
                 Eigen::MatrixXd::Zero(state_size, batch)};
  LeapfrogWorkspace w(state_size, batch);
  for (int k = 0; k < StepCount(forces, batch); ++k) {
    StepColumns(trajectory.q, k, batch) = state.q;
    StepColumns(trajectory.p, k, batch) = state.p;
    w.force = StepColumns(forces, k, batch);
    LeapfrogStep(unit, state.q, state.p, w);
    if (observe) observe(k, state.q);
  }
  const int steps = StepCount(forces, batch);
  StepColumns(trajectory.q, steps, batch) = state.q;
  StepColumns(trajectory.p, steps, batch) = state.p;
  return trajectory;
}

HruEcho StartHruEcho(const HruUnit& unit, const HruState& final_state, double beta) {
  const int state_size = unit.state_size();
  const auto batch = final_state.q.cols();
  RequireShape("final_state.q", final_state.q, state_size, batch);
  RequireShape("final_state.p", final_state.p, state_size, batch);
  if (!(beta > 0.0)) throw InputError(fmt::format("beta: expected > 0, got {}", beta));
  // Sz Φ_K: q = q_K, p = −p_K for both echoes
  return {final_state.q,
          -final_state.p,
          Eigen::MatrixXd::Zero(state_size, batch),
          Eigen::MatrixXd::Zero(state_size, batch),
          beta,
          Eigen::VectorXd::Zero(unit.parameter_count()),
          Eigen::VectorXd::Zero(state_size)};
}

void RunHruEchoSteps(const HruUnit& unit, const Eigen::MatrixXd& forces,
                     const Eigen::MatrixXd& position_gradients, HruEcho& echo,
                     Eigen::MatrixXd& force_gradients, const PositionObserver& observe) {
  const auto batch = static_cast<int>(echo.mean_q.cols());
  const int state_size = unit.state_size();
  RequireForces(unit, forces, batch);
  RequireShape("position_gradients", position_gradients, state_size, forces.cols());
  force_gradients.resize(state_size, forces.cols());
  const Eigen::ArrayXd& step = unit.step();
  // −1/(2β) [· (+β) − · (−β)] = −1/β × the half-difference; times δ for ∂θ H_half = δ ∂θ v.
  const Eigen::MatrixXd energy_weight =
      (Eigen::ArrayXXd::Constant(state_size, batch, -1.0 / echo.beta).colwise() * step).matrix();

  LeapfrogWorkspace mean(state_size, batch);
  LeapfrogWorkspace difference(state_size, batch);
  Eigen::MatrixXd mean_p_before(state_size, batch), difference_p_before(state_size, batch);
  Eigen::MatrixXd potential(state_size, batch), force_gradient(state_size, batch);
  for (int k = StepCount(forces, batch) - 1; k >= 0; --k) {
    // p(±β) += ±β dL/dq_(k+1)
    echo.difference_p.noalias() += echo.beta * StepColumns(position_gradients, k, batch);
    if (observe) observe(k, echo.mean_q);
    mean.force = StepColumns(forces, k, batch);
    mean_p_before = echo.mean_p;
    difference_p_before = echo.difference_p;
    // q_a = q + ½ δ p
    mean.half_position.array() = echo.mean_q.array() + 0.5 * (echo.mean_p.array().colwise() * step);
    difference.half_position.array() =
        echo.difference_q.array() + 0.5 * (echo.difference_p.array().colwise() * step);
    unit.PotentialGradientPair(mean.half_position, difference.half_position, mean.force,
                               mean.potential_gradient, difference.potential_gradient);
    // p' = p − δ ∇v(q_a, f),  q' = q_a + ½ δ p'
    echo.mean_p.array() -= mean.potential_gradient.array().colwise() * step;
    echo.difference_p.array() -= difference.potential_gradient.array().colwise() * step;
    echo.mean_q.array() = mean.half_position.array() + 0.5 * (echo.mean_p.array().colwise() * step);
    echo.difference_q.array() =
        difference.half_position.array() + 0.5 * (echo.difference_p.array().colwise() * step);
    unit.AddPotentialParameterHalfDifference(mean.half_position, difference.half_position,
                                             mean.force, energy_weight, echo.parameters,
                                             force_gradient);
    StepColumns(force_gradients, k, batch) = force_gradient;
    if (unit.step_is_trainable()) {
      unit.PotentialHalfDifference(mean.half_position, difference.half_position, mean.force,
                                   potential);
      // ∂H_half/∂δ = v(q_a) + ¼ (p² + p'²);  its half-difference between the echoes is
      // ½ [v(+) − v(−)] + ½ (m_p d_p + m_p' d_p')
      echo.step_gradient -= (potential.array() +
                             0.5 * (mean_p_before.array() * difference_p_before.array() +
                                    echo.mean_p.array() * echo.difference_p.array()))
                                .rowwise()
                                .sum()
                                .matrix() /
                            echo.beta;
    }
  }
}

Eigen::VectorXd HruEchoParameterGradient(const HruUnit& unit, const HruEcho& echo) {
  Eigen::VectorXd gradient = echo.parameters;
  if (unit.step_is_trainable()) unit.AddStepGradient(echo.step_gradient, gradient);
  return gradient;
}

HruGradient EchoHruGradient(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                            const HruState& final_state, const Eigen::MatrixXd& position_gradients,
                            double beta, const PositionObserver& observe) {
  RequireForces(unit, forces, batch);
  RequireShape("final_state.q", final_state.q, unit.state_size(), batch);
  HruEcho echo = StartHruEcho(unit, final_state, beta);
  HruGradient gradient;
  RunHruEchoSteps(unit, forces, position_gradients, echo, gradient.forces, observe);
  gradient.parameters = HruEchoParameterGradient(unit, echo);
  return gradient;
}

HruGradient BpttHruGradient(const HruUnit& unit, const Eigen::MatrixXd& forces, int batch,
                            const HruTrajectory& trajectory,
                            const Eigen::MatrixXd& position_gradients) {
  RequireForces(unit, forces, batch);
  const int state_size = unit.state_size();
  RequireShape("trajectory.q", trajectory.q, state_size, forces.cols() + batch);
  RequireShape("trajectory.p", trajectory.p, state_size, forces.cols() + batch);
  RequireShape("position_gradients", position_gradients, state_size, forces.cols());
  const Eigen::ArrayXd& step = unit.step();
  HruGradient gradient{Eigen::VectorXd::Zero(unit.parameter_count()),
                       Eigen::MatrixXd(state_size, forces.cols())};
  Eigen::MatrixXd lambda_q = Eigen::MatrixXd::Zero(state_size, batch);
  Eigen::MatrixXd lambda_p = Eigen::MatrixXd::Zero(state_size, batch);
  Eigen::MatrixXd lambda_f(state_size, batch);
  Eigen::MatrixXd kick_cotangent(state_size, batch);
  Eigen::MatrixXd q(state_size, batch);
  Eigen::MatrixXd p(state_size, batch);
  Eigen::VectorXd step_gradient = Eigen::VectorXd::Zero(state_size);
  LeapfrogWorkspace w(state_size, batch);
  for (int k = StepCount(forces, batch) - 1; k >= 0; --k) {
    // λ_(k+1) += dL/dq_(k+1)
    lambda_q += StepColumns(position_gradients, k, batch);
    // Replay step k from its recorded start; p becomes p_(k+1).
    q = StepColumns(trajectory.q, k, batch);
    p = StepColumns(trajectory.p, k, batch);
    w.force = StepColumns(forces, k, batch);
    LeapfrogStep(unit, q, p, w);
    // Second drift q' = q_a + ½ δ p':  λp' += ½ δ λq',  dL/dδ += ½ p' λq'
    step_gradient += 0.5 * (p.array() * lambda_q.array()).rowwise().sum().matrix();
    lambda_p.array() += 0.5 * (lambda_q.array().colwise() * step);
    // Kick p' = p − δ g(q_a, f):  the cotangent on g is −δ λp',  dL/dδ −= g λp'
    step_gradient -= (w.potential_gradient.array() * lambda_p.array()).rowwise().sum().matrix();
    kick_cotangent.array() = -(lambda_p.array().colwise() * step);
    unit.PullBackPotentialGradient(w.half_position, w.force, kick_cotangent, lambda_q, lambda_f,
                                   gradient.parameters);
    StepColumns(gradient.forces, k, batch) = lambda_f;
    // First drift q_a = q + ½ δ p:  λp += ½ δ λq_a,  dL/dδ += ½ p λq_a
    p = StepColumns(trajectory.p, k, batch);
    step_gradient += 0.5 * (p.array() * lambda_q.array()).rowwise().sum().matrix();
    lambda_p.array() += 0.5 * (lambda_q.array().colwise() * step);
  }
  if (unit.step_is_trainable()) unit.AddStepGradient(step_gradient, gradient.parameters);
  return gradient;
}

}  // namespace echolab
