#pragma once

#include <Eigen/Dense>

namespace echolab {

/// How a factor enters a product: as it is or transposed.
enum class Factor { kAsIs, kTransposed };

/// dst = op(a) op(b), or dst += op(a) op(b) with `accumulate`: the matrix-matrix products
/// of the HSSM. dst has the product's shape already and overlaps neither factor. On a CPU
/// with AVX2 and FMA they run through Eigen built for those instructions
/// (matrix_product_avx2.cpp, in a namespace of its own), elsewhere through the default
/// build. The choice depends on the CPU only, so results are reproducible on one machine.
void MultiplyInto(Eigen::Ref<Eigen::MatrixXd> dst, const Eigen::Ref<const Eigen::MatrixXd>& a,
                  Factor op_a, const Eigen::Ref<const Eigen::MatrixXd>& b, Factor op_b,
                  bool accumulate);

/// Whether MultiplyInto uses the AVX2 and FMA kernels on this CPU.
bool MatrixProductsUseAvx2();

}  // namespace echolab
