#include "physics/dissipation.h"

namespace echolab {

Vector Dissipation::FrictionTimes(const Vector& v) const {
  Vector force = Vector::Zero(v.size());
  if (friction_N_s_per_m.size() > 0) force += friction_N_s_per_m.cwiseProduct(v);
  if (friction_matrix.size() > 0) force.noalias() += friction_matrix * v;
  return force;
}

}  // namespace echolab
