#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "physics/integrator_options.h"
#include "physics/simulation_problem.h"
#include "physics/trajectory.h"

namespace echolab {

/// JSON of integrator options (every field).
nlohmann::json ToJson(const IntegratorOptions& options);
/// JSON of a trajectory's status, statistics, and options requested and used.
nlohmann::json ToJson(const Trajectory& trajectory);
/// JSON of a pass: parameters by name, duration, dissipation, noise and seed.
nlohmann::json ToJson(const SimulationProblem& problem);

/// The fields every run records: echolab version, build commit, command.
nlohmann::json RunHeader(const std::string& command);

/// Writes JSON with two-space indentation.
void WriteJson(const nlohmann::json& json, const std::filesystem::path& path);

}  // namespace echolab
