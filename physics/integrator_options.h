#pragma once

#include <string>

namespace echolab {

/// How to integrate: the scheme by name and its settings. Field names match
/// the [integrator] table of a configuration file, and errors name them so.
struct IntegratorOptions {
  /// One of SchemeNames(): leapfrog, yoshida4, baoab, cvode_adams,
  /// arkode_dopri5, arkode_verner6, odeint_dopri5.
  std::string scheme = "leapfrog";
  /// Fixed-step schemes: the step (shortened so that it divides the duration).
  /// Adaptive schemes: the initial step (0 lets the solver choose).
  double step_s = 1e-2;
  /// Adaptive schemes: relative and absolute local error tolerances.
  double rtol = 1e-8;
  double atol = 1e-10;
  /// Largest number of internal steps before the solve stops with a status.
  /// Fixed-step schemes refuse (InputError) a step and duration that need more.
  long max_steps = 100'000'000;
  /// Stability guard (StabilityGuard): a pass fails once its energy exceeds
  /// this many times its energy scale (> 1; infinity turns the guard off).
  double max_energy_growth = 1e6;
  /// The adjoint's forward checkpoints may hold at most this much memory;
  /// together with max_steps it bounds the forward steps of the adjoint.
  double adjoint_memory_MiB = 1024.0;
  /// Spacing of the recorded samples. 0: every step for fixed-step schemes,
  /// step_s for adaptive ones (which interpolate with their dense output).
  double output_interval_s = 0.0;
  /// Keep the samples in the Trajectory; false streams them to the observer only.
  bool record_states = true;

  /// Throws InputError naming the first invalid field and what was expected.
  void Validate() const;
};

}  // namespace echolab
