#include "physics/dissipation.h"

namespace echolab {

Vector Dissipation::TotalFriction(const Vector& masses_kg) const {
  Vector friction = momentum_decay_rate_per_s * masses_kg;
  if (friction_N_s_per_m.size() > 0) friction += friction_N_s_per_m;
  return friction;
}

Vector Dissipation::FrictionTimes(const Vector& v) const {
  Vector force = Vector::Zero(v.size());
  if (friction_N_s_per_m.size() > 0) force += friction_N_s_per_m.cwiseProduct(v);
  if (friction_matrix.size() > 0) force.noalias() += friction_matrix * v;
  return force;
}

}  // namespace echolab
