#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "physics/integrator_options.h"
#include "physics/simulation_problem.h"
#include "physics/stability_guard.h"
#include "physics/trajectory.h"

namespace echolab {

/// What a scheme is, so that callers (and tests) can pick the checks that apply.
struct SchemeTraits {
  bool fixed_step = false;
  bool symplectic = false;
  bool symmetric = false;   // time-symmetric: the flipped pass retraces exactly
  bool stochastic = false;  // supports ThermalNoise
  int order = 0;            // global order of accuracy
  /// Fixed-step schemes: the largest h ω for which the scheme keeps a
  /// harmonic oscillator of angular frequency ω bounded; 0: no such limit.
  double stability_limit = 0.0;
  /// Symmetric compositions of the drift-kick-drift step (CompositionScheme):
  /// the sub-step weights, which the echo and the discrete adjoint replay;
  /// empty for every other scheme.
  std::vector<double> composition_weights;
};

/// An integrator turns a SimulationProblem into a Trajectory. Integrate()
/// checks the problem and options, then calls the scheme's DoIntegrate().
/// Numerical failures (NaN state, solver errors, step limit) end the run with
/// a status and message in the Trajectory; bad input throws InputError.
class Integrator {
 public:
  virtual ~Integrator() = default;

  virtual std::string name() const = 0;
  virtual SchemeTraits traits() const = 0;

  Trajectory Integrate(const SimulationProblem& problem, const IntegratorOptions& options,
                       const Observer& observer = {}) const;

 protected:
  /// Receives the output samples of a run: records them (if asked), calls the
  /// observer, and stops the run on a non-finite state or, through the
  /// StabilityGuard, on runaway energy growth.
  class OutputSink {
   public:
    OutputSink(const SimulationProblem& problem, const IntegratorOptions& options,
               Trajectory* trajectory, const Observer& observer);
    /// Returns false (and sets the status) when x is not finite or the
    /// stability guard fails.
    bool Emit(double t_s, const PhaseState& x);

   private:
    Trajectory* trajectory_;
    const Observer& observer_;
    bool record_;
    StabilityGuard guard_;
  };

 protected:
  /// Checks that this scheme can run the problem (noise, dissipation, masses).
  virtual void DoCheckSupport(const SimulationProblem& problem) const;

 private:
  /// Fills *options_used from the requested options (steps, output spacing).
  virtual IntegratorOptions DoResolveOptions(const SimulationProblem& problem,
                                             const IntegratorOptions& requested) const = 0;
  /// Integrates; sets trajectory->final_state/final_time_s/stats/status.
  virtual void DoIntegrate(const SimulationProblem& problem, const IntegratorOptions& options,
                           OutputSink* sink, Trajectory* trajectory) const = 0;
};

/// The scheme registered under `scheme`; throws InputError listing the known
/// names when there is none.
std::unique_ptr<Integrator> MakeIntegrator(const std::string& scheme);

/// Names of all registered schemes.
std::vector<std::string> SchemeNames();
/// The schemes whose traits satisfy `predicate`, in the registry's order.
std::vector<std::string> SchemeNamesWhere(
    const std::function<bool(const SchemeTraits&)>& predicate);
/// The symmetric composition schemes (leapfrog and its compositions): those
/// the echo, the discrete adjoint and the HSSMs' RHEL replay step by step.
std::vector<std::string> CompositionSchemeNames();

/// Integrates `problem` with the scheme named in options.scheme.
Trajectory Simulate(const SimulationProblem& problem, const IntegratorOptions& options,
                    const Observer& observer = {});

}  // namespace echolab
