#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "learning/hssm/hru_core.h"
#include "learning/training/sequence_model.h"

namespace echolab {

enum class HruKind { kLinear, kLogCosh };

/// How the units' own parameters are drawn where echolab and the HSSM paper's code differ
/// (docs/hssm.md): echolab's defaults, or the authors' choices.
struct HruInitialisation {
  bool uniform_step = false;     // linear unit: δ̂ ~ U[0, 1] (the authors') instead of N(0, 1)
  bool symmetric_scale = false;  // log-cosh unit: ĉ ~ U[−1, 1] (the authors') instead of U[0, 1]
};

/// The default chunk of an HRU layer under RHEL, in columns (steps × batch).
constexpr int kHruChunkColumns = 2048;

/// The HRU layer of a block, H channels in and out, P units:
///   f_k = B u_k,   (q, p) ← leapfrog(q, p, f_k),   y_k = C q_(k+1) + D ⊙ u_k.
/// Parameters from `offset`: B (P × H), C (H × P), D (H), then the unit's raw parameters.
class HruLayer {
 public:
  /// What the forward pass keeps for the backward pass besides its input: for RHEL only
  /// the final state (O(P · batch)); for BPTT also the trajectory.
  struct Memory {
    HruState final_state;
    HruTrajectory trajectory;  // empty under RHEL
  };

  /// Under RHEL the layer works in chunks of steps of about `chunk_columns` columns
  /// (steps × batch): the forces B u, the echo's nudges Cᵀ dL/dy and its positions exist for
  /// one chunk at a time, and each chunk's products are matrix-matrix.
  HruLayer(int offset, int hidden, int state, HruKind kind, double logcosh_step,
           int chunk_columns = kHruChunkColumns);

  int ParameterCount() const;
  /// Indices in θ of the unit's own parameters (after B, C and D).
  std::vector<int> UnitParameterIndices() const;
  void AppendParameterNames(const std::string& prefix, std::vector<std::string>& names) const;
  /// B ~ U[±1/√H], C ~ U[±1/√P], D ~ N(0, 1), the unit as its own Initialise.
  void Initialise(Eigen::VectorXd& theta, std::mt19937_64& rng,
                  const HruInitialisation& init = {}) const;

  Eigen::MatrixXd Forward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& u, int batch,
                          SequenceGradientRule rule, Memory& memory) const;
  /// grad += dL/dθ of the layer; returns dL/du. Under RHEL the HRU core's part comes from
  /// the echoes nudged by dL/dq = Cᵀ dL/dy, and dL/dC from the echoes' mean positions.
  Eigen::MatrixXd Backward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& u, int batch,
                           const Memory& memory, const Eigen::MatrixXd& dy,
                           const SequenceEvaluationOptions& options, Eigen::VectorXd& grad) const;

  /// The layer's RHEL pass run by its caller one chunk of steps at a time, the chunks in
  /// order in the forward pass and from the last in the backward pass (the whole model's
  /// streamed gradient, docs/hssm.md): the unit, the running state and the echoes.
  /// Forward and the RHEL Backward are this pass over their own chunks.
  struct Stream {
    std::unique_ptr<HruUnit> unit;
    HruState state;  // the state between the chunks run so far
    HruEcho echo;
    Eigen::MatrixXd forces;  // B u of the chunk last read (P × steps · batch)
  };
  /// One chunk's P × (steps · batch) buffers, which the layers of a model share: the
  /// nudges Cᵀ dL/dy, the positions and dL/df.
  struct ChunkBuffers {
    Eigen::MatrixXd nudges, positions, force_gradients;
  };
  /// The unit of θ at rest (q = p = 0) for `batch` sequences.
  Stream StartStream(const Eigen::VectorXd& theta, int batch) const;
  /// y_k = C q_(k+1) + D ⊙ u_k for the steps of one chunk, u (H × count · batch); advances
  /// stream.state over them.
  void ForwardChunk(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                    int batch, Stream& stream, ChunkBuffers& buffers,
                    Eigen::Ref<Eigen::MatrixXd> y) const;
  /// The same outputs recomputed backwards (RetreatHru): stream.state moves from the state
  /// after the chunk to the state before it.
  void RetreatChunk(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                    int batch, Stream& stream, ChunkBuffers& buffers,
                    Eigen::Ref<Eigen::MatrixXd> y) const;
  /// stream.forces = B u for the steps of one chunk.
  void ChunkForces(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                   Stream& stream) const;
  /// Starts the echoes from stream.state, the forward pass's final state.
  void StartEcho(Stream& stream, double beta) const;
  /// The echoes back over one chunk, nudged by dL/dq = Cᵀ dL/dy: du = dL/du of the chunk's
  /// steps; grad += their part of dL/dB, dL/dC (from the echoes' mean positions) and dL/dD.
  /// stream.forces must hold the chunk's B u, as RetreatChunk of the same chunk or
  /// ChunkForces leave it.
  void EchoChunk(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                 const Eigen::Ref<const Eigen::MatrixXd>& dy, int batch, Stream& stream,
                 ChunkBuffers& buffers, Eigen::Ref<Eigen::MatrixXd> du,
                 Eigen::VectorXd& grad) const;
  /// grad += dL/dθ of the unit, once the echoes have run back to step 0.
  void FinishEcho(const Stream& stream, Eigen::VectorXd& grad) const;
  /// Steps per chunk for a batch: chunk_columns / batch, at least 1.
  int ChunkSteps(int batch) const;

 private:
  // Throws InputError unless u is H × (K · batch), K >= 1.
  void RequireInputs(const Eigen::MatrixXd& u, int batch) const;
  int UnitParameterCount() const;
  // body(first, count) for each chunk of steps, the first chunk first or the last first.
  void ForEachChunk(int steps, int batch, bool last_first,
                    const std::function<void(int first, int count)>& body) const;
  // AdvanceHru or RetreatHru.
  using StateMove = void (*)(const HruUnit&, const Eigen::MatrixXd&, int, HruState&,
                             const PositionObserver&);
  // f = B u of a chunk, `move` over its steps recording the positions q_(k+1), then
  // y_k = C q_(k+1) + D ⊙ u_k.
  void ReadChunk(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                 int batch, StateMove move, Stream& stream, ChunkBuffers& buffers,
                 Eigen::Ref<Eigen::MatrixXd> y) const;
  // y = D ⊙ u:  dL/dD = Σ dy ⊙ u into grad, du = D ⊙ dy.
  void FeedthroughBackward(const Eigen::VectorXd& theta, const Eigen::Ref<const Eigen::MatrixXd>& u,
                           const Eigen::Ref<const Eigen::MatrixXd>& dy,
                           Eigen::Ref<Eigen::MatrixXd> du, Eigen::VectorXd& grad) const;
  // The BPTT backward pass over the recorded trajectory: du += its part.
  void BpttBackward(const Eigen::VectorXd& theta, const Eigen::MatrixXd& u, int batch,
                    const HruTrajectory& trajectory, const Eigen::MatrixXd& dy,
                    Eigen::MatrixXd& du, Eigen::VectorXd& grad) const;
  int UnitOffset() const { return offset_ + 2 * hidden_ * state_ + hidden_; }
  // D (H) in θ.
  Eigen::Map<const Eigen::ArrayXd> Feedthrough(const Eigen::VectorXd& theta) const {
    return {theta.data() + offset_ + 2 * hidden_ * state_, hidden_};
  }
  std::unique_ptr<HruUnit> MakeUnit(const Eigen::VectorXd& theta) const;

  int offset_;
  int hidden_;
  int state_;
  HruKind kind_;
  double logcosh_step_;
  int chunk_columns_;
};

}  // namespace echolab
