#include "learning/hssm/hru_layer.h"

#include <fmt/format.h>

#include <cmath>

#include "learning/hssm/linear_hru.h"
#include "learning/hssm/logcosh_hru.h"
#include "physics/error.h"

namespace echolab {
namespace {

using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;
using MatrixMap = Eigen::Map<Eigen::MatrixXd>;

void FillUniform(Eigen::VectorXd& theta, int offset, int count, double bound,
                 std::mt19937_64& rng) {
  std::uniform_real_distribution<double> uniform(-bound, bound);
  for (int i = 0; i < count; ++i) theta(offset + i) = uniform(rng);
}

void AppendMatrixNames(const std::string& name, int rows, int cols,
                       std::vector<std::string>& names) {
  for (int j = 0; j < cols; ++j) {
    for (int i = 0; i < rows; ++i) names.push_back(fmt::format("{}[{},{}]", name, i, j));
  }
}

}  // namespace

HruLayer::HruLayer(int offset, int hidden, int state, HruKind kind, double logcosh_step)
    : offset_(offset), hidden_(hidden), state_(state), kind_(kind), logcosh_step_(logcosh_step) {}

int HruLayer::UnitParameterCount() const {
  return kind_ == HruKind::kLinear ? LinearHru::ParameterCount(state_)
                                   : LogCoshHru::ParameterCount(state_);
}

int HruLayer::ParameterCount() const {
  return 2 * hidden_ * state_ + hidden_ + UnitParameterCount();
}

std::vector<int> HruLayer::UnitParameterIndices() const {
  std::vector<int> indices(static_cast<size_t>(UnitParameterCount()));
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = UnitOffset() + static_cast<int>(i);
  return indices;
}

void HruLayer::AppendParameterNames(const std::string& prefix,
                                    std::vector<std::string>& names) const {
  AppendMatrixNames(prefix + ".B", state_, hidden_, names);
  AppendMatrixNames(prefix + ".C", hidden_, state_, names);
  for (int i = 0; i < hidden_; ++i) names.push_back(fmt::format("{}.D[{}]", prefix, i));
  const std::vector<std::string> unit = kind_ == HruKind::kLinear
                                            ? LinearHru::ParameterNames(state_)
                                            : LogCoshHru::ParameterNames(state_);
  for (const std::string& name : unit) names.push_back(prefix + "." + name);
}

void HruLayer::Initialise(Eigen::VectorXd& theta, std::mt19937_64& rng) const {
  const int matrix = hidden_ * state_;
  FillUniform(theta, offset_, matrix, 1.0 / std::sqrt(static_cast<double>(hidden_)), rng);
  FillUniform(theta, offset_ + matrix, matrix, 1.0 / std::sqrt(static_cast<double>(state_)), rng);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int i = 0; i < hidden_; ++i) theta(offset_ + 2 * matrix + i) = normal(rng);
  auto unit = theta.segment(UnitOffset(), UnitParameterCount());
  if (kind_ == HruKind::kLinear) {
    LinearHru::Initialise(unit, rng);
  } else {
    LogCoshHru::Initialise(unit, rng);
  }
}

void HruLayer::RequireInputs(const Eigen::MatrixXd& u, int batch) const {
  if (u.rows() != hidden_ || batch < 1 || u.cols() < batch || u.cols() % batch != 0) {
    throw InputError(fmt::format(
        "u: expected {} rows and a positive multiple of the batch {} of columns, got {} x {}",
        hidden_, batch, u.rows(), u.cols()));
  }
}

std::unique_ptr<HruUnit> HruLayer::MakeUnit(const Eigen::VectorXd& theta) const {
  const auto raw = theta.segment(UnitOffset(), UnitParameterCount());
  if (kind_ == HruKind::kLinear) return std::make_unique<LinearHru>(raw, state_);
  return std::make_unique<LogCoshHru>(raw, state_, logcosh_step_);
}

Eigen::MatrixXd HruLayer::Forward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& u, int batch,
                                  SequenceGradientRule rule, Memory& memory) const {
  RequireInputs(u, batch);
  const ConstMatrixMap input_matrix(theta.data() + offset_, state_, hidden_);
  const ConstMatrixMap readout(theta.data() + offset_ + hidden_ * state_, hidden_, state_);
  const Eigen::Map<const Eigen::ArrayXd> feedthrough(theta.data() + offset_ + 2 * hidden_ * state_,
                                                     hidden_);
  const std::unique_ptr<HruUnit> unit = MakeUnit(theta);
  // f = B u
  const Eigen::MatrixXd forces = input_matrix * u;
  // y_k = C q_(k+1) + D ⊙ u_k
  Eigen::MatrixXd y = (u.array().colwise() * feedthrough).matrix();
  const PositionObserver read_out = [&](int k, const Eigen::MatrixXd& q) {
    StepColumns(y, k, batch).noalias() += readout * q;
  };
  if (rule == SequenceGradientRule::kBptt) {
    memory.trajectory = RunHruRecorded(*unit, forces, batch, read_out);
  } else {
    memory.final_state = RunHru(*unit, forces, batch, read_out);
  }
  return y;
}

Eigen::MatrixXd HruLayer::Backward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& u,
                                   int batch, const Memory& memory, const Eigen::MatrixXd& dy,
                                   const SequenceEvaluationOptions& options,
                                   Eigen::VectorXd& grad) const {
  RequireInputs(u, batch);
  if (dy.rows() != u.rows() || dy.cols() != u.cols()) {
    throw InputError(
        fmt::format("dy: expected {} x {}, got {} x {}", u.rows(), u.cols(), dy.rows(), dy.cols()));
  }
  const int matrix = hidden_ * state_;
  const ConstMatrixMap input_matrix(theta.data() + offset_, state_, hidden_);
  const ConstMatrixMap readout(theta.data() + offset_ + matrix, hidden_, state_);
  const Eigen::Map<const Eigen::ArrayXd> feedthrough(theta.data() + offset_ + 2 * matrix, hidden_);
  MatrixMap input_matrix_gradient(grad.data() + offset_, state_, hidden_);
  MatrixMap readout_gradient(grad.data() + offset_ + matrix, hidden_, state_);
  const std::unique_ptr<HruUnit> unit = MakeUnit(theta);
  const Eigen::MatrixXd forces = input_matrix * u;

  // y = C q + D ⊙ u:  dL/dD = Σ dy ⊙ u,  dL/dq_(k+1) = Cᵀ dy_k,  dL/du ∋ D ⊙ dy
  grad.segment(offset_ + 2 * matrix, hidden_) += dy.cwiseProduct(u).rowwise().sum();
  Eigen::MatrixXd du = (dy.array().colwise() * feedthrough).matrix();
  const Eigen::MatrixXd position_gradients = readout.transpose() * dy;

  HruGradient core;
  if (options.rule == SequenceGradientRule::kRhel) {
    // dL/dC = Σ_k dy_k q_(k+1)ᵀ, with q_(k+1) retraced by the echoes
    const PositionObserver accumulate_readout = [&](int k, const Eigen::MatrixXd& q) {
      readout_gradient.noalias() += StepColumns(dy, k, batch) * q.transpose();
    };
    core = EchoHruGradient(*unit, forces, batch, memory.final_state, position_gradients,
                           options.beta, accumulate_readout);
  } else {
    readout_gradient.noalias() += dy * memory.trajectory.q.rightCols(dy.cols()).transpose();
    core = BpttHruGradient(*unit, forces, batch, memory.trajectory, position_gradients);
  }
  grad.segment(UnitOffset(), core.parameters.size()) += core.parameters;
  // f = B u:  dL/dB = Σ dL/df uᵀ,  dL/du ∋ Bᵀ dL/df
  input_matrix_gradient.noalias() += core.forces * u.transpose();
  du.noalias() += input_matrix.transpose() * core.forces;
  return du;
}

}  // namespace echolab
