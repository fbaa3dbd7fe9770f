#include "physics/dissipation.h"

namespace echolab {

Vector Dissipation::TotalFriction(const Vector& masses_kg) const {
  Vector friction = momentum_decay_rate_per_s * masses_kg;
  if (friction_N_s_per_m.size() > 0) friction += friction_N_s_per_m;
  return friction;
}

}  // namespace echolab
