#pragma once

#include <Eigen/Dense>

namespace echolab {

/// Normalisation over the channels of each column (one time step of one sequence), without
/// affine parameters: y = (x − mean(x)) / sqrt(var(x) + ε). Unlike batch normalisation it
/// makes a sequence's output independent of the other sequences of its batch.
constexpr double kChannelNormEpsilon = 1e-5;

void NormaliseChannels(const Eigen::MatrixXd& x, Eigen::MatrixXd& y);

/// dx = (dy − mean(dy) − y mean(dy ⊙ y)) / sqrt(var(x) + ε), per column.
void NormaliseChannelsBackward(const Eigen::MatrixXd& x, const Eigen::MatrixXd& dy,
                               Eigen::MatrixXd& dx);

}  // namespace echolab
