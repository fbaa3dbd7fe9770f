#pragma once

#include "physics/phase_state.h"

namespace echolab {

/// A generalised force added to a pass's Hamiltonian flow, separable like H:
///
///   dq/dt += a(p, t),    dp/dt += f(q, t).
///
/// The echo's continuous nudge -β J ∇l_e = β Sx ∇l(Sz x, T - s) is one: a
/// position read-out gives a force f, a velocity read-out a velocity a.
/// Every scheme applies it: the adaptive ones in the right-hand side, the
/// splittings in their drift (a) and kick (f) sub-steps.
class ExternalDrive {
 public:
  virtual ~ExternalDrive() = default;
  /// Adds a(p, t) to *dq_dt.
  virtual void AddVelocity(const Vector& p, double t_s, Vector* dq_dt) const = 0;
  /// Adds f(q, t) to *dp_dt.
  virtual void AddForce(const Vector& q, double t_s, Vector* dp_dt) const = 0;
};

}  // namespace echolab
