#include "sims/output/trajectory_files.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "common/output_file.h"

namespace echolab {

void WriteTrajectoryCsv(const Trajectory& trajectory, const std::filesystem::path& path) {
  OutputFile out(path);
  const int n = trajectory.final_state.num_dof();
  out.Print("t_s");
  for (int i = 1; i <= n; ++i) out.Print(",q_{}", i);
  for (int i = 1; i <= n; ++i) out.Print(",p_{}", i);
  out.Print("\n");
  for (size_t k = 0; k < trajectory.states.size(); ++k) {
    out.Print("{:.17g}", trajectory.times_s[k]);
    const PhaseState& x = trajectory.states[k];
    for (int i = 0; i < n; ++i) out.Print(",{:.17g}", x.q[i]);
    for (int i = 0; i < n; ++i) out.Print(",{:.17g}", x.p[i]);
    out.Print("\n");
  }
  out.Close();
}

EnergySummary WriteEnergyCsv(const Trajectory& trajectory, const SimulationProblem& problem,
                             const std::filesystem::path& path) {
  OutputFile out(path);
  out.Print("t_s,kinetic_J,potential_J,total_J\n");
  std::vector<double> totals;
  totals.reserve(trajectory.states.size());
  Vector u;
  for (size_t k = 0; k < trajectory.states.size(); ++k) {
    const PhaseState& x = trajectory.states[k];
    problem.input.Evaluate(trajectory.times_s[k], &u);
    const double kinetic = problem.system->KineticEnergy(x.p, problem.theta);
    const double potential = problem.system->PotentialEnergy(x.q, problem.theta, u);
    const double total = kinetic + potential;
    out.Print("{:.17g},{:.17g},{:.17g},{:.17g}\n", trajectory.times_s[k], kinetic, potential,
              total);
    totals.push_back(total);
  }
  out.Close();
  EnergySummary summary;
  if (totals.empty()) return summary;
  summary.initial_J = totals.front();
  summary.final_J = totals.back();
  double scale = std::numeric_limits<double>::min();
  for (double total : totals) scale = std::max(scale, std::abs(total));
  for (double total : totals) {
    summary.max_relative_deviation =
        std::max(summary.max_relative_deviation, std::abs(total - summary.initial_J) / scale);
  }
  return summary;
}

}  // namespace echolab
