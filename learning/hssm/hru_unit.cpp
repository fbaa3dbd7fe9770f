#include "learning/hssm/hru_unit.h"

namespace echolab {

void HruUnit::PotentialGradientPair(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                                    const Eigen::MatrixXd& f, Eigen::MatrixXd& g_mean,
                                    Eigen::MatrixXd& g_half_difference) const {
  Eigen::MatrixXd g_plus(m.rows(), m.cols()), g_minus(m.rows(), m.cols());
  PotentialGradient(m + d, f, g_plus);
  PotentialGradient(m - d, f, g_minus);
  g_mean = 0.5 * (g_plus + g_minus);
  g_half_difference = 0.5 * (g_plus - g_minus);
}

void HruUnit::PotentialHalfDifference(const Eigen::MatrixXd& m, const Eigen::MatrixXd& d,
                                      const Eigen::MatrixXd& f, Eigen::MatrixXd& v) const {
  Eigen::MatrixXd v_minus(m.rows(), m.cols());
  v.resize(m.rows(), m.cols());
  Potential(m + d, f, v);
  Potential(m - d, f, v_minus);
  v = 0.5 * (v - v_minus);
}

void HruUnit::AddPotentialParameterHalfDifference(const Eigen::MatrixXd& m,
                                                  const Eigen::MatrixXd& d,
                                                  const Eigen::MatrixXd& f,
                                                  const Eigen::MatrixXd& w,
                                                  Eigen::Ref<Eigen::VectorXd> grad,
                                                  Eigen::MatrixXd& force_gradient) const {
  // Both points as one batch, weighted +w/2 and −w/2.
  const Eigen::Index batch = m.cols();
  Eigen::MatrixXd points(m.rows(), 2 * batch), forces(m.rows(), 2 * batch),
      weights(m.rows(), 2 * batch), both(m.rows(), 2 * batch);
  points << m + d, m - d;
  forces << f, f;
  weights << 0.5 * w, -0.5 * w;
  AddPotentialParameterGradient(points, forces, weights, grad, both);
  force_gradient = both.leftCols(batch) + both.rightCols(batch);
}

}  // namespace echolab
