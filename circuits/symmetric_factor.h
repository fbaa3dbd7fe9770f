#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <memory>
#include <optional>

#include "physics/phase_state.h"

namespace echolab {

/// Where a circuit's matrices live: dense storage and Cholesky (LLT), or
/// sparse storage with a simplicial LDLᵀ factorisation (fill-reducing AMD
/// ordering). kAutomatic picks dense up to kDenseNodeLimit free nodes.
enum class MatrixStorage { kAutomatic, kDense, kSparse };

/// The largest circuit (free nodes) that kAutomatic keeps dense: none. On LC
/// ladders of 1 to 64 nodes the sparse step measured faster at every size
/// (`echolab_circuit_bench --crossover`, docs/benchmarks.md), so the dense
/// path is taken only when asked for (the derivative tests run every circuit
/// both ways, each an independent check of the other).
inline constexpr int kDenseNodeLimit = 0;

/// kDense or kSparse: what kAutomatic means for a matrix of `size` rows.
MatrixStorage ResolveStorage(MatrixStorage requested, Eigen::Index size);

/// A symmetric matrix A and its factorisation, for solves A x = b. The
/// matrix is given sparse; the storage decides how it is factored.
class SymmetricFactor {
 public:
  SymmetricFactor() = default;
  SymmetricFactor(const Eigen::SparseMatrix<double>& matrix, MatrixStorage storage);

  /// Whether A is positive definite (every pivot > 0).
  bool positive_definite() const { return positive_definite_; }
  /// x = A⁻¹ b.
  Vector Solve(const Vector& b) const;
  /// A x.
  Vector Times(const Vector& x) const { return matrix_ * x; }
  /// Stored entries of A (its non-zeros) plus those of its factor.
  Eigen::Index stored_entries() const;

 private:
  Eigen::SparseMatrix<double> matrix_;
  bool dense_ = false;
  bool positive_definite_ = false;
  // Engaged only when computed: a default LLT leaves its status unset, and
  // copying one (as moving a SymmetricFactor does) would read it.
  std::optional<Eigen::LLT<Eigen::MatrixXd>> dense_factor_;
  // Held by pointer: Eigen's sparse factorisations cannot be moved.
  std::unique_ptr<Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>>> sparse_factor_;
};

}  // namespace echolab
