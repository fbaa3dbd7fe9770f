#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <memory>

#include "physics/phase_state.h"

namespace echolab {

/// Where a circuit's matrices live: dense storage and Cholesky (LLT) for
/// tiny circuits, where it measures faster, and sparse storage with a
/// simplicial LDLᵀ factorisation (fill-reducing AMD ordering) otherwise.
/// kAutomatic picks dense up to kDenseNodeLimit free nodes.
enum class MatrixStorage { kAutomatic, kDense, kSparse };

/// The largest circuit (free nodes) that kAutomatic keeps dense: at 16 nodes
/// the sparse and dense node-flux substrates step equally fast (the crossover
/// measured by `echolab_circuit_bench --crossover`, docs/benchmarks.md).
inline constexpr int kDenseNodeLimit = 16;

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
  Eigen::LLT<Eigen::MatrixXd> dense_factor_;
  // Held by pointer: Eigen's sparse factorisations cannot be moved.
  std::unique_ptr<Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>>> sparse_factor_;
};

}  // namespace echolab
