#pragma once

#include <filesystem>

#include "physics/simulation_problem.h"
#include "physics/trajectory.h"

namespace echolab {

/// Writes trajectory.csv: t_s, q_1..q_n, p_1..p_n (SI units of the model),
/// one row per recorded sample, full double precision.
void WriteTrajectoryCsv(const Trajectory& trajectory, const std::filesystem::path& path);

/// Energy budget of a recorded trajectory.
struct EnergySummary {
  double initial_J = 0.0;
  double final_J = 0.0;
  double max_relative_deviation = 0.0;  // max_t |H(t) - H(0)| / max_t |H(t)|
};

/// Writes energy.csv: t_s, kinetic_J, potential_J, total_J with H evaluated
/// at the input of each sample time; returns the summary.
EnergySummary WriteEnergyCsv(const Trajectory& trajectory, const SimulationProblem& problem,
                             const std::filesystem::path& path);

}  // namespace echolab
