// Compiled with -mavx2 -mfma where the compiler targets x86-64 (learning/CMakeLists.txt).
// Eigen is included under another namespace name, so that its templates, built here for
// AVX2, never merge with the default build's instantiations of the same names; this file
// includes nothing else that emits code.
#define Eigen EcholabAvx2Eigen
// Every product through the blocked GEMM (or GEMV), never the coefficient-wise product that
// Eigen picks for small sizes: its vectorised sums start at the first 32-byte-aligned entry,
// so their order, and the rounding, would depend on where malloc placed the operands (which
// differs from thread to thread), and the results on the thread count.
#define EIGEN_GEMM_TO_COEFFBASED_THRESHOLD 0
#include <Eigen/Core>

#include "learning/hssm/matrix_product_detail.h"

namespace echolab::detail {

#if defined(__AVX2__) && defined(__FMA__)

namespace {

using Stride = Eigen::OuterStride<>;
using ConstView = Eigen::Map<const Eigen::MatrixXd, 0, Stride>;

ConstView View(const RawMatrix& m) {
  return ConstView(m.data, m.rows, m.cols, Stride(m.outer_stride));
}

}  // namespace

bool HasAvx2Kernels() { return true; }

void MultiplyIntoAvx2(double* dst, long dst_rows, long dst_cols, long dst_outer_stride,
                      const RawMatrix& a, const RawMatrix& b, bool accumulate) {
  Eigen::Map<Eigen::MatrixXd, 0, Stride> out(dst, dst_rows, dst_cols, Stride(dst_outer_stride));
  if (!accumulate) out.setZero();
  const ConstView x = View(a);
  const ConstView y = View(b);
  if (!a.transposed && !b.transposed) {
    out.noalias() += x * y;
  } else if (a.transposed && !b.transposed) {
    out.noalias() += x.transpose() * y;
  } else if (!a.transposed) {
    out.noalias() += x * y.transpose();
  } else {
    out.noalias() += x.transpose() * y.transpose();
  }
}

#else

bool HasAvx2Kernels() { return false; }

void MultiplyIntoAvx2(double*, long, long, long, const RawMatrix&, const RawMatrix&, bool) {}

#endif

}  // namespace echolab::detail
