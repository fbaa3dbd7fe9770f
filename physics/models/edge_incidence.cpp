#include "physics/models/edge_incidence.h"

namespace echolab {

EdgeIncidence::EdgeIncidence(const std::vector<std::pair<int, int>>& edges) {
  tail_.reserve(edges.size());
  head_.reserve(edges.size());
  for (const auto& [tail, head] : edges) {
    tail_.push_back(tail);
    head_.push_back(head);
  }
}

// d_e = x_head - x_tail
Eigen::ArrayXd EdgeIncidence::Apply(const Eigen::VectorXd& x) const {
  Eigen::ArrayXd d(num_edges());
  for (int e = 0; e < num_edges(); ++e) d[e] = x[head_[e]] - x[tail_[e]];
  return d;
}

void EdgeIncidence::ApplyPair(const Eigen::VectorXd& x_a, const Eigen::VectorXd& x_b,
                              Eigen::ArrayXd* d_a, Eigen::ArrayXd* d_b) const {
  d_a->resize(num_edges());
  d_b->resize(num_edges());
  for (int e = 0; e < num_edges(); ++e) {
    const int head = head_[e], tail = tail_[e];
    (*d_a)[e] = x_a[head] - x_a[tail];
    (*d_b)[e] = x_b[head] - x_b[tail];
  }
}

// out_head += f_e, out_tail -= f_e
void EdgeIncidence::AddTransposed(const Eigen::ArrayXd& f, Eigen::VectorXd* out) const {
  for (int e = 0; e < num_edges(); ++e) {
    (*out)[head_[e]] += f[e];
    (*out)[tail_[e]] -= f[e];
  }
}

void EdgeIncidence::AddTransposedPair(const Eigen::ArrayXd& f_a, const Eigen::ArrayXd& f_b,
                                      Eigen::VectorXd* out_a, Eigen::VectorXd* out_b) const {
  for (int e = 0; e < num_edges(); ++e) {
    const int head = head_[e], tail = tail_[e];
    (*out_a)[head] += f_a[e];
    (*out_a)[tail] -= f_a[e];
    (*out_b)[head] += f_b[e];
    (*out_b)[tail] -= f_b[e];
  }
}

}  // namespace echolab
