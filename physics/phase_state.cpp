#include "physics/phase_state.h"

namespace echolab {

PhaseState MomentumFlip(const PhaseState& x) { return PhaseState{x.q, -x.p}; }

Vector Flatten(const PhaseState& x) {
  Vector flat(x.q.size() + x.p.size());
  flat << x.q, x.p;
  return flat;
}

PhaseState Unflatten(const Eigen::Ref<const Vector>& flat) {
  const Eigen::Index n = flat.size() / 2;
  return PhaseState{flat.head(n), flat.tail(n)};
}

bool IsFinite(const PhaseState& x) { return x.q.allFinite() && x.p.allFinite(); }

}  // namespace echolab
