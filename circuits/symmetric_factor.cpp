#include "circuits/symmetric_factor.h"

namespace echolab {

MatrixStorage ResolveStorage(MatrixStorage requested, Eigen::Index size) {
  if (requested != MatrixStorage::kAutomatic) return requested;
  return size <= kDenseNodeLimit ? MatrixStorage::kDense : MatrixStorage::kSparse;
}

SymmetricFactor::SymmetricFactor(const Eigen::SparseMatrix<double>& matrix, MatrixStorage storage)
    : matrix_(matrix), dense_(ResolveStorage(storage, matrix.rows()) == MatrixStorage::kDense) {
  if (matrix_.rows() == 0) {
    positive_definite_ = true;
    return;
  }
  if (dense_) {
    dense_factor_.emplace(Eigen::MatrixXd(matrix_));
    positive_definite_ = dense_factor_->info() == Eigen::Success;
    return;
  }
  sparse_factor_ = std::make_unique<Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>>>(matrix_);
  positive_definite_ =
      sparse_factor_->info() == Eigen::Success && sparse_factor_->vectorD().minCoeff() > 0.0;
}

Vector SymmetricFactor::Solve(const Vector& b) const {
  if (matrix_.rows() == 0) return Vector();
  if (dense_) return dense_factor_->solve(b);
  return sparse_factor_->solve(b);
}

Eigen::Index SymmetricFactor::stored_entries() const {
  if (matrix_.rows() == 0) return 0;
  if (dense_) return 2 * matrix_.rows() * matrix_.rows();
  return matrix_.nonZeros() + sparse_factor_->matrixL().nestedExpression().nonZeros();
}

}  // namespace echolab
