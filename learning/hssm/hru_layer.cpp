#include "learning/hssm/hru_layer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "common/error.h"
#include "learning/hssm/linear_hru.h"
#include "learning/hssm/logcosh_hru.h"
#include "learning/hssm/matrix_product.h"

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

// B (P × H) and C (H × P) in θ from `offset`, and their places in the gradient.
struct MatrixViews {
  ConstMatrixMap input_matrix;
  ConstMatrixMap readout;
  MatrixMap input_matrix_gradient;
  MatrixMap readout_gradient;
};

MatrixViews ViewMatrices(const Eigen::VectorXd& theta, Eigen::VectorXd& grad, int offset,
                         int hidden, int state) {
  const int readout = offset + hidden * state;
  return {ConstMatrixMap(theta.data() + offset, state, hidden),
          ConstMatrixMap(theta.data() + readout, hidden, state),
          MatrixMap(grad.data() + offset, state, hidden),
          MatrixMap(grad.data() + readout, hidden, state)};
}

}  // namespace

HruLayer::HruLayer(int offset, int hidden, int state, HruKind kind, double logcosh_step,
                   int chunk_columns)
    : offset_(offset),
      hidden_(hidden),
      state_(state),
      kind_(kind),
      logcosh_step_(logcosh_step),
      chunk_columns_(chunk_columns) {
  if (chunk_columns < 1) {
    throw InputError(fmt::format("chunk_columns: expected >= 1, got {}", chunk_columns));
  }
}

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

void HruLayer::Initialise(Eigen::VectorXd& theta, std::mt19937_64& rng,
                          const HruInitialisation& init) const {
  const int matrix = hidden_ * state_;
  FillUniform(theta, offset_, matrix, 1.0 / std::sqrt(static_cast<double>(hidden_)), rng);
  FillUniform(theta, offset_ + matrix, matrix, 1.0 / std::sqrt(static_cast<double>(state_)), rng);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int i = 0; i < hidden_; ++i) theta(offset_ + 2 * matrix + i) = normal(rng);
  auto unit = theta.segment(UnitOffset(), UnitParameterCount());
  if (kind_ == HruKind::kLinear) {
    LinearHru::Initialise(unit, rng, init.uniform_step);
  } else {
    LogCoshHru::Initialise(unit, rng, init.symmetric_scale);
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

int HruLayer::ChunkSteps(int batch) const { return std::max(1, chunk_columns_ / batch); }

void HruLayer::ForEachChunk(int steps, int batch, bool last_first,
                            const std::function<void(int first, int count)>& body) const {
  const int size = ChunkSteps(batch);
  const int chunks = (steps + size - 1) / size;
  for (int i = 0; i < chunks; ++i) {
    const int first = (last_first ? chunks - 1 - i : i) * size;
    body(first, std::min(size, steps - first));
  }
}

Eigen::MatrixXd HruLayer::Forward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& u, int batch,
                                  SequenceGradientRule rule, Memory& memory) const {
  RequireInputs(u, batch);
  const int steps = static_cast<int>(u.cols() / batch);
  Eigen::MatrixXd y(u.rows(), u.cols());
  if (rule == SequenceGradientRule::kRhel) {
    // RHEL keeps nothing of size P · K: the layer's stream, chunk by chunk.
    Stream stream = StartStream(theta, batch);
    ChunkBuffers buffers;
    ForEachChunk(steps, batch, false, [&](int first, int count) {
      ForwardChunk(theta, StepRange(u, first, count, batch), batch, stream, buffers,
                   StepRange(y, first, count, batch));
    });
    memory.final_state = std::move(stream.state);
    return y;
  }
  // BPTT keeps the whole trajectory. It forms f = B u and C q chunk by chunk as the stream
  // does, so that the two rules' forward passes agree bit for bit.
  const ConstMatrixMap input_matrix(theta.data() + offset_, state_, hidden_);
  const ConstMatrixMap readout(theta.data() + offset_ + hidden_ * state_, hidden_, state_);
  const std::unique_ptr<HruUnit> unit = MakeUnit(theta);
  Eigen::MatrixXd forces(state_, u.cols());
  ForEachChunk(steps, batch, false, [&](int first, int count) {
    MultiplyInto(StepRange(forces, first, count, batch), input_matrix, Factor::kAsIs,
                 StepRange(u, first, count, batch), Factor::kAsIs, false);
  });
  memory.trajectory = RunHruRecorded(*unit, forces, batch, nullptr);
  // y_k = C q_(k+1) + D ⊙ u_k
  y = (u.array().colwise() * Feedthrough(theta)).matrix();
  ForEachChunk(steps, batch, false, [&](int first, int count) {
    MultiplyInto(StepRange(y, first, count, batch), readout, Factor::kAsIs,
                 StepRange(memory.trajectory.q, first + 1, count, batch), Factor::kAsIs, true);
  });
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
  Eigen::MatrixXd du(u.rows(), u.cols());
  if (options.rule == SequenceGradientRule::kBptt) {
    FeedthroughBackward(theta, u, dy, du, grad);
    BpttBackward(theta, u, batch, memory.trajectory, dy, du, grad);
    return du;
  }
  // The echoes run backwards in time, so the chunks go from the last to the first.
  Stream stream = StartStream(theta, batch);
  stream.state = memory.final_state;
  StartEcho(stream, options.beta);
  ChunkBuffers buffers;
  ForEachChunk(static_cast<int>(u.cols() / batch), batch, true, [&](int first, int count) {
    ChunkForces(theta, StepRange(u, first, count, batch), stream);
    EchoChunk(theta, StepRange(u, first, count, batch), StepRange(dy, first, count, batch), batch,
              stream, buffers, StepRange(du, first, count, batch), grad);
  });
  FinishEcho(stream, grad);
  return du;
}

HruLayer::Stream HruLayer::StartStream(const Eigen::VectorXd& theta, int batch) const {
  Stream stream;
  stream.unit = MakeUnit(theta);
  stream.state = {Eigen::MatrixXd::Zero(state_, batch), Eigen::MatrixXd::Zero(state_, batch)};
  return stream;
}

void HruLayer::ForwardChunk(const Eigen::VectorXd& theta,
                            const Eigen::Ref<const Eigen::MatrixXd>& u, int batch, Stream& stream,
                            ChunkBuffers& buffers, Eigen::Ref<Eigen::MatrixXd> y) const {
  ReadChunk(theta, u, batch, AdvanceHru, stream, buffers, y);
}

void HruLayer::RetreatChunk(const Eigen::VectorXd& theta,
                            const Eigen::Ref<const Eigen::MatrixXd>& u, int batch, Stream& stream,
                            ChunkBuffers& buffers, Eigen::Ref<Eigen::MatrixXd> y) const {
  ReadChunk(theta, u, batch, RetreatHru, stream, buffers, y);
}

void HruLayer::ReadChunk(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                         int batch, StateMove move, Stream& stream, ChunkBuffers& buffers,
                         Eigen::Ref<Eigen::MatrixXd> y) const {
  const ConstMatrixMap readout(theta.data() + offset_ + hidden_ * state_, hidden_, state_);
  ChunkForces(theta, u, stream);
  buffers.positions.resize(state_, u.cols());
  move(*stream.unit, stream.forces, batch, stream.state,
       [&](int k, const Eigen::MatrixXd& q) { StepColumns(buffers.positions, k, batch) = q; });
  // y_k = C q_(k+1) + D ⊙ u_k
  y = (u.array().colwise() * Feedthrough(theta)).matrix();
  MultiplyInto(y, readout, Factor::kAsIs, buffers.positions, Factor::kAsIs, true);
}

void HruLayer::ChunkForces(const Eigen::VectorXd& theta,
                           const Eigen::Ref<const Eigen::MatrixXd>& u, Stream& stream) const {
  const ConstMatrixMap input_matrix(theta.data() + offset_, state_, hidden_);
  // f = B u
  stream.forces.resize(state_, u.cols());
  MultiplyInto(stream.forces, input_matrix, Factor::kAsIs, u, Factor::kAsIs, false);
}

void HruLayer::StartEcho(Stream& stream, double beta) const {
  stream.echo = StartHruEcho(*stream.unit, stream.state, beta);
}

void HruLayer::EchoChunk(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                         const Eigen::Ref<const Eigen::MatrixXd>& dy, int batch, Stream& stream,
                         ChunkBuffers& buffers, Eigen::Ref<Eigen::MatrixXd> du,
                         Eigen::VectorXd& grad) const {
  auto [input_matrix, readout, input_matrix_gradient, readout_gradient] =
      ViewMatrices(theta, grad, offset_, hidden_, state_);
  FeedthroughBackward(theta, u, dy, du, grad);
  ECHOLAB_CHECK(stream.forces.rows() == state_ && stream.forces.cols() == u.cols(),
                "EchoChunk: stream.forces does not hold this chunk's B u");
  // dL/dq_(k+1) = Cᵀ dL/dy_k
  buffers.nudges.resize(state_, u.cols());
  buffers.positions.resize(state_, u.cols());
  MultiplyInto(buffers.nudges, readout, Factor::kTransposed, dy, Factor::kAsIs, false);
  RunHruEchoSteps(*stream.unit, stream.forces, buffers.nudges, stream.echo, buffers.force_gradients,
                  [&](int k, const Eigen::MatrixXd& q) { StepColumns(buffers.positions, k, batch) = q; });
  // dL/dC = Σ_k dy_k q_(k+1)ᵀ, with q_(k+1) retraced by the echoes
  MultiplyInto(readout_gradient, dy, Factor::kAsIs, buffers.positions, Factor::kTransposed, true);
  // f = B u:  dL/dB = Σ dL/df uᵀ,  dL/du ∋ Bᵀ dL/df
  MultiplyInto(input_matrix_gradient, buffers.force_gradients, Factor::kAsIs, u, Factor::kTransposed,
               true);
  MultiplyInto(du, input_matrix, Factor::kTransposed, buffers.force_gradients, Factor::kAsIs, true);
}

void HruLayer::FinishEcho(const Stream& stream, Eigen::VectorXd& grad) const {
  grad.segment(UnitOffset(), UnitParameterCount()) +=
      HruEchoParameterGradient(*stream.unit, stream.echo);
}

void HruLayer::FeedthroughBackward(const Eigen::VectorXd& theta,
                                   const Eigen::Ref<const Eigen::MatrixXd>& u,
                                   const Eigen::Ref<const Eigen::MatrixXd>& dy,
                                   Eigen::Ref<Eigen::MatrixXd> du, Eigen::VectorXd& grad) const {
  // y = C q + D ⊙ u:  dL/dD = Σ dy ⊙ u,  dL/du ∋ D ⊙ dy
  grad.segment(offset_ + 2 * hidden_ * state_, hidden_) += dy.cwiseProduct(u).rowwise().sum();
  du = (dy.array().colwise() * Feedthrough(theta)).matrix();
}

void HruLayer::BpttBackward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& u, int batch,
                            const HruTrajectory& trajectory, const Eigen::MatrixXd& dy,
                            Eigen::MatrixXd& du, Eigen::VectorXd& grad) const {
  auto [input_matrix, readout, input_matrix_gradient, readout_gradient] =
      ViewMatrices(theta, grad, offset_, hidden_, state_);
  const std::unique_ptr<HruUnit> unit = MakeUnit(theta);
  // dL/dC = Σ_k dy_k q_(k+1)ᵀ,  dL/dq_(k+1) = Cᵀ dL/dy_k
  MultiplyInto(readout_gradient, dy, Factor::kAsIs, trajectory.q.rightCols(dy.cols()),
               Factor::kTransposed, true);
  Eigen::MatrixXd forces(state_, u.cols()), position_gradients(state_, u.cols());
  MultiplyInto(forces, input_matrix, Factor::kAsIs, u, Factor::kAsIs, false);
  MultiplyInto(position_gradients, readout, Factor::kTransposed, dy, Factor::kAsIs, false);
  const HruGradient core = BpttHruGradient(*unit, forces, batch, trajectory, position_gradients);
  grad.segment(UnitOffset(), core.parameters.size()) += core.parameters;
  // f = B u:  dL/dB = Σ dL/df uᵀ,  dL/du ∋ Bᵀ dL/df
  MultiplyInto(input_matrix_gradient, core.forces, Factor::kAsIs, u, Factor::kTransposed, true);
  MultiplyInto(du, input_matrix, Factor::kTransposed, core.forces, Factor::kAsIs, true);
}

}  // namespace echolab
