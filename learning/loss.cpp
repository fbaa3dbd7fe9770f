#include "learning/loss.h"

#include <fmt/format.h>

#include "common/error.h"

namespace echolab {

TrackingLoss::TrackingLoss(std::shared_ptr<const Readout> readout, InputSignal targets,
                           Vector running_weights, Vector terminal_weights, Vector terminal_targets)
    : readout_(std::move(readout)),
      targets_(std::move(targets)),
      running_weights_(std::move(running_weights)),
      terminal_weights_(std::move(terminal_weights)),
      terminal_targets_(std::move(terminal_targets)) {
  const int m = readout_->size();
  const auto check = [m](Eigen::Index size, const char* what) {
    if (size != m) {
      throw InputError(
          fmt::format("loss: {} has {} entries, expected {} (one per read-out)", what, size, m));
    }
  };
  check(targets_.num_channels(), "targets");
  check(running_weights_.size(), "running weights");
  check(terminal_weights_.size(), "terminal weights");
  check(terminal_targets_.size(), "terminal targets");
}

Vector TrackingLoss::RunningResidual(const PhaseState& x, double t_s, const Vector& theta) const {
  Vector r, y;
  readout_->Evaluate(x, theta, &r);
  targets_.Evaluate(t_s, &y);
  return running_weights_.cwiseProduct(r - y);
}

Vector TrackingLoss::TerminalResidual(const PhaseState& x, const Vector& theta) const {
  Vector r;
  readout_->Evaluate(x, theta, &r);
  return terminal_weights_.cwiseProduct(r - terminal_targets_);
}

// l = ½ Σ w_k (r_k - y_k)²
double TrackingLoss::Running(const PhaseState& x, double t_s, const Vector& theta) const {
  Vector r, y;
  readout_->Evaluate(x, theta, &r);
  targets_.Evaluate(t_s, &y);
  return 0.5 * running_weights_.dot((r - y).cwiseAbs2());
}

// ∇x l = (∂r/∂x)ᵀ [w ⊙ (r - y)]
void TrackingLoss::RunningGradient(const PhaseState& x, double t_s, const Vector& theta,
                                   PhaseState* grad) const {
  readout_->JacobianTransposeProduct(x, theta, RunningResidual(x, t_s, theta), grad);
}

// ∂l/∂θ = (∂r/∂θ)ᵀ [w ⊙ (r - y)]
void TrackingLoss::RunningParameterGradient(const PhaseState& x, double t_s, const Vector& theta,
                                            Vector* grad) const {
  readout_->ParameterJacobianTransposeProduct(x, theta, RunningResidual(x, t_s, theta), grad);
}

double TrackingLoss::Terminal(const PhaseState& x, const Vector& theta) const {
  Vector r;
  readout_->Evaluate(x, theta, &r);
  return 0.5 * terminal_weights_.dot((r - terminal_targets_).cwiseAbs2());
}

void TrackingLoss::TerminalGradient(const PhaseState& x, const Vector& theta,
                                    PhaseState* grad) const {
  readout_->JacobianTransposeProduct(x, theta, TerminalResidual(x, theta), grad);
}

void TrackingLoss::TerminalParameterGradient(const PhaseState& x, const Vector& theta,
                                             Vector* grad) const {
  readout_->ParameterJacobianTransposeProduct(x, theta, TerminalResidual(x, theta), grad);
}

}  // namespace echolab
