#pragma once

// The raw interface between matrix_product.cpp and matrix_product_avx2.cpp, which sees a
// renamed copy of Eigen and so cannot take Eigen types. Column-major, inner stride 1.

namespace echolab::detail {

struct RawMatrix {
  const double* data;
  long rows;
  long cols;
  long outer_stride;
  bool transposed;
};

/// Whether this build has the AVX2 and FMA kernels (x86-64 only).
bool HasAvx2Kernels();

/// The product through Eigen built for AVX2 and FMA; call only if HasAvx2Kernels().
void MultiplyIntoAvx2(double* dst, long dst_rows, long dst_cols, long dst_outer_stride,
                      const RawMatrix& a, const RawMatrix& b, bool accumulate);

}  // namespace echolab::detail
