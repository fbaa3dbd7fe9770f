#include "learning/hssm/time_major.h"

namespace echolab {

Eigen::MatrixXd TimeMajorRows(const std::vector<const SequenceExample*>& group,
                              Eigen::MatrixXd SequenceExample::*field, Eigen::Index first_row,
                              Eigen::Index count) {
  const auto batch = static_cast<Eigen::Index>(group.size());
  Eigen::MatrixXd out((group.front()->*field).cols(), count * batch);
  for (Eigen::Index b = 0; b < batch; ++b) {
    const Eigen::MatrixXd& m = group[static_cast<size_t>(b)]->*field;
    for (Eigen::Index k = 0; k < count; ++k) {
      out.col(k * batch + b) = m.row(first_row + k).transpose();
    }
  }
  return out;
}

Eigen::MatrixXd TimeMajor(const std::vector<const SequenceExample*>& group,
                          Eigen::MatrixXd SequenceExample::*field) {
  return TimeMajorRows(group, field, 0, (group.front()->*field).rows());
}

}  // namespace echolab
