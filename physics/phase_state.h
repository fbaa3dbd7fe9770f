#pragma once

#include <Eigen/Core>

namespace echolab {

using Vector = Eigen::VectorXd;

/// A point x = (q, p) of phase space: generalised positions q and their
/// conjugate momenta p, both of length num_dof.
struct PhaseState {
  Vector q;
  Vector p;

  int num_dof() const { return static_cast<int>(q.size()); }
};

/// The momentum flip Sz x = (q, -p), the time-reversal map of echo learning.
PhaseState MomentumFlip(const PhaseState& x);

/// The flat layout [q; p] used by the ODE solvers.
Vector Flatten(const PhaseState& x);

/// Inverse of Flatten: splits [q; p] (length 2 num_dof) into (q, p).
PhaseState Unflatten(const Eigen::Ref<const Vector>& flat);

/// True when every entry of q and p is finite.
bool IsFinite(const PhaseState& x);

}  // namespace echolab
