#include "learning/hssm/matrix_product.h"

#include <fmt/format.h>

#include "common/error.h"
#include "learning/hssm/matrix_product_detail.h"

namespace echolab {
namespace {

detail::RawMatrix Raw(const Eigen::Ref<const Eigen::MatrixXd>& m, Factor op) {
  return {m.data(), m.rows(), m.cols(), m.outerStride(), op == Factor::kTransposed};
}

// op(m)'s rows and columns
Eigen::Index Rows(const Eigen::Ref<const Eigen::MatrixXd>& m, Factor op) {
  return op == Factor::kAsIs ? m.rows() : m.cols();
}
Eigen::Index Cols(const Eigen::Ref<const Eigen::MatrixXd>& m, Factor op) {
  return op == Factor::kAsIs ? m.cols() : m.rows();
}

bool CpuHasAvx2() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

// The default build's product.
template <class A, class B>
void Multiply(Eigen::Ref<Eigen::MatrixXd>& dst, const A& a, const B& b, bool accumulate) {
  if (accumulate) {
    dst.noalias() += a * b;
  } else {
    dst.noalias() = a * b;
  }
}

}  // namespace

bool MatrixProductsUseAvx2() {
  static const bool use = CpuHasAvx2() && detail::HasAvx2Kernels();
  return use;
}

void MultiplyInto(Eigen::Ref<Eigen::MatrixXd> dst, const Eigen::Ref<const Eigen::MatrixXd>& a,
                  Factor op_a, const Eigen::Ref<const Eigen::MatrixXd>& b, Factor op_b,
                  bool accumulate) {
  if (Cols(a, op_a) != Rows(b, op_b) || dst.rows() != Rows(a, op_a) ||
      dst.cols() != Cols(b, op_b)) {
    throw InputError(fmt::format("MultiplyInto: {} x {} = ({} x {}) ({} x {})", dst.rows(),
                                 dst.cols(), Rows(a, op_a), Cols(a, op_a), Rows(b, op_b),
                                 Cols(b, op_b)));
  }
  if (MatrixProductsUseAvx2()) {
    detail::MultiplyIntoAvx2(dst.data(), dst.rows(), dst.cols(), dst.outerStride(), Raw(a, op_a),
                             Raw(b, op_b), accumulate);
    return;
  }
  const bool ta = op_a == Factor::kTransposed;
  const bool tb = op_b == Factor::kTransposed;
  if (!ta && !tb) Multiply(dst, a, b, accumulate);
  if (ta && !tb) Multiply(dst, a.transpose(), b, accumulate);
  if (!ta && tb) Multiply(dst, a, b.transpose(), accumulate);
  if (ta && tb) Multiply(dst, a.transpose(), b.transpose(), accumulate);
}

}  // namespace echolab
