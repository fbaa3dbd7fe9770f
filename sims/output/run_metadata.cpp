#include "sims/output/run_metadata.h"

#include "common/output_file.h"
#include "sims/build_info.h"

namespace echolab {
namespace {

std::vector<double> ToStdVector(const Vector& v) { return {v.data(), v.data() + v.size()}; }

}  // namespace

nlohmann::json ToJson(const IntegratorOptions& options) {
  return {{"scheme", options.scheme},
          {"step_s", options.step_s},
          {"rtol", options.rtol},
          {"atol", options.atol},
          {"max_steps", options.max_steps},
          {"output_interval_s", options.output_interval_s},
          {"max_energy_growth", options.max_energy_growth},
          {"adjoint_memory_MiB", options.adjoint_memory_MiB},
          {"record_states", options.record_states}};
}

nlohmann::json ToJson(const Trajectory& trajectory) {
  return {{"status", ToString(trajectory.status)},
          {"message", trajectory.message},
          {"final_time_s", trajectory.final_time_s},
          {"samples", trajectory.times_s.size()},
          {"statistics",
           {{"steps", trajectory.stats.steps},
            {"rejected_steps", trajectory.stats.rejected_steps},
            {"rhs_evaluations", trajectory.stats.rhs_evaluations},
            {"wall_time_s", trajectory.stats.wall_time_s}}},
          {"integrator_requested", ToJson(trajectory.options_requested)},
          {"integrator_used", ToJson(trajectory.options_used)}};
}

nlohmann::json ToJson(const SimulationProblem& problem) {
  nlohmann::json parameters = nlohmann::json::object();
  const auto& names = problem.system->parameter_names();
  for (size_t i = 0; i < names.size(); ++i) {
    parameters[names[i]] = problem.theta[static_cast<Eigen::Index>(i)];
  }
  return {
      {"num_dof", problem.system->num_dof()},
      {"num_inputs", problem.system->num_inputs()},
      {"parameters", parameters},
      {"start_time_s", problem.start_time_s},
      {"duration_s", problem.duration_s},
      {"initial_state",
       {{"q", ToStdVector(problem.initial_state.q)}, {"p", ToStdVector(problem.initial_state.p)}}},
      {"dissipation",
       {{"friction_N_s_per_m", ToStdVector(problem.dissipation.friction_N_s_per_m)},
        {"momentum_decay_rate_per_s", problem.dissipation.momentum_decay_rate_per_s}}},
      {"noise",
       {{"thermal_energy_J", problem.noise.thermal_energy_J}, {"seed", problem.noise.seed}}}};
}

nlohmann::json RunHeader(const std::string& command) {
  return {
      {"echolab_version", kEcholabVersion}, {"build_git_commit", kGitCommit}, {"command", command}};
}

void WriteJson(const nlohmann::json& json, const std::filesystem::path& path) {
  // Escapes invalid UTF-8 rather than failing after the computation.
  OutputFile out(path);
  out.Write(json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  out.Write("\n");
  out.Close();
}

}  // namespace echolab
