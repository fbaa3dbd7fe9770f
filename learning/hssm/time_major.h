#pragma once

#include <Eigen/Dense>
#include <vector>

#include "learning/training/sequence_model.h"

namespace echolab {

/// Rows first_row … first_row + count − 1 of a field of every sequence of a group (of equal
/// length), time-major: column k · batch + b holds row first_row + k of sequence b's matrix.
Eigen::MatrixXd TimeMajorRows(const std::vector<const SequenceExample*>& group,
                              Eigen::MatrixXd SequenceExample::*field, Eigen::Index first_row,
                              Eigen::Index count);

/// All rows of the field, time-major.
Eigen::MatrixXd TimeMajor(const std::vector<const SequenceExample*>& group,
                          Eigen::MatrixXd SequenceExample::*field);

}  // namespace echolab
