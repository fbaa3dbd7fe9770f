#include "learning/hssm/dropout.h"

namespace echolab {
namespace {

constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

// SplitMix64's finaliser: consecutive inputs give unrelated outputs.
std::uint64_t Mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The n-th output of SplitMix64 seeded with `state`: Mix(state + (n + 1) γ).
std::uint64_t SplitMixDraw(std::uint64_t state, std::uint64_t n) {
  return Mix(state + (n + 1) * kGoldenGamma);
}

}  // namespace

void ApplyDropout(const DropoutSite& where, const std::vector<int>& sequence_indices,
                  int first_step, Eigen::MatrixXd& x) {
  if (where.rate <= 0.0) return;
  const auto batch = static_cast<Eigen::Index>(sequence_indices.size());
  const Eigen::Index steps = x.cols() / batch;
  const double keep_scale = 1.0 / (1.0 - where.rate);
  const auto channels = static_cast<std::uint64_t>(x.rows());
  for (Eigen::Index b = 0; b < batch; ++b) {
    const auto sequence = static_cast<std::uint64_t>(sequence_indices[static_cast<size_t>(b)]);
    const std::uint64_t stream =
        SplitMixDraw(SplitMixDraw(SplitMixDraw(where.seed, sequence),
                                  static_cast<std::uint64_t>(where.block)),
                     static_cast<std::uint64_t>(where.site));
    for (Eigen::Index k = 0; k < steps; ++k) {
      const auto step = static_cast<std::uint64_t>(first_step + k);
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        // u ~ U[0, 1) from the top 53 bits; kept when u >= p
        const std::uint64_t draw = SplitMixDraw(stream, step * channels + static_cast<std::uint64_t>(i));
        const double u = static_cast<double>(draw >> 11) * 0x1.0p-53;
        x(i, k * batch + b) *= u >= where.rate ? keep_scale : 0.0;
      }
    }
  }
}

}  // namespace echolab
