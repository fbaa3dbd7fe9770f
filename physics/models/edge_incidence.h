#pragma once

#include <Eigen/Core>
#include <utility>
#include <vector>

namespace echolab {

/// The incidence matrix D of a graph (edges × nodes) kept as two index arrays:
/// row e has -1 in column tail_e and +1 in column head_e, so that (D x)_e =
/// x_head - x_tail. Products with D and Dᵀ are gathers and scatters over the
/// edges, with no stored ±1 values; the pair forms serve two states in one
/// pass over the indices (the two echoes of the centred estimator).
class EdgeIncidence {
 public:
  /// `edges`: (tail, head) per edge, as node indices (checked by the caller).
  explicit EdgeIncidence(const std::vector<std::pair<int, int>>& edges);

  int num_edges() const { return static_cast<int>(tail_.size()); }

  /// d = D x.
  Eigen::ArrayXd Apply(const Eigen::VectorXd& x) const;
  /// d_a = D x_a and d_b = D x_b.
  void ApplyPair(const Eigen::VectorXd& x_a, const Eigen::VectorXd& x_b, Eigen::ArrayXd* d_a,
                 Eigen::ArrayXd* d_b) const;
  /// out += Dᵀ f.
  void AddTransposed(const Eigen::ArrayXd& f, Eigen::VectorXd* out) const;
  /// out_a += Dᵀ f_a and out_b += Dᵀ f_b.
  void AddTransposedPair(const Eigen::ArrayXd& f_a, const Eigen::ArrayXd& f_b,
                         Eigen::VectorXd* out_a, Eigen::VectorXd* out_b) const;

 private:
  std::vector<int> tail_;
  std::vector<int> head_;
};

}  // namespace echolab
