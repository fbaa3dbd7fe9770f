#include "sims/commands/hssm_gradcheck.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "common/output_file.h"
#include "learning/hssm/hamiltonian_ssm.h"
#include "sims/output/plotting.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// One row of alignment.csv: RHEL against BPTT over one group of an HRU layer's parameters.
struct AlignmentRow {
  double step = 0.0;
  double beta = 0.0;
  int block = 0;
  std::string group;  // B, C, D, A, step, W, b, c, alpha, or "all"
  double cosine = 0.0;
  double norm_ratio = 0.0;
  double relative_error = 0.0;
};

// The indices of each group of block l's HRU parameters ("block{l}.hru.{group}[…]"), and
// of all of them under "all", groups in the order of the parameter vector.
std::vector<std::pair<std::string, std::vector<int>>> HruGroups(
    const std::vector<std::string>& names, int block) {
  const std::string prefix = fmt::format("block{}.hru.", block);
  std::vector<std::pair<std::string, std::vector<int>>> groups;
  std::vector<int> all;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].rfind(prefix, 0) != 0) continue;
    const std::string group = names[i].substr(prefix.size(), names[i].find('[') - prefix.size());
    if (groups.empty() || groups.back().first != group) groups.push_back({group, {}});
    groups.back().second.push_back(static_cast<int>(i));
    all.push_back(static_cast<int>(i));
  }
  groups.push_back({"all", all});
  return groups;
}

// cos = r·b / (‖r‖ ‖b‖),  ratio = ‖r‖ / ‖b‖,  error = ‖r − b‖ / ‖b‖  (NaN where ‖b‖ = 0)
AlignmentRow Compare(const Eigen::VectorXd& rhel, const Eigen::VectorXd& bptt,
                     const std::vector<int>& indices) {
  double dot = 0.0, rhel_squared = 0.0, bptt_squared = 0.0, difference_squared = 0.0;
  for (int i : indices) {
    dot += rhel(i) * bptt(i);
    rhel_squared += rhel(i) * rhel(i);
    bptt_squared += bptt(i) * bptt(i);
    difference_squared += (rhel(i) - bptt(i)) * (rhel(i) - bptt(i));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  AlignmentRow row;
  row.cosine = rhel_squared > 0.0 && bptt_squared > 0.0
                   ? dot / std::sqrt(rhel_squared * bptt_squared)
                   : nan;
  row.norm_ratio = bptt_squared > 0.0 ? std::sqrt(rhel_squared / bptt_squared) : nan;
  row.relative_error = bptt_squared > 0.0 ? std::sqrt(difference_squared / bptt_squared) : nan;
  return row;
}

Eigen::VectorXd Gradient(const HamiltonianSsm& model,
                         const std::vector<const SequenceExample*>& batch,
                         SequenceGradientRule rule, double beta) {
  return model.Evaluate(batch, {.compute_gradient = true, .rule = rule, .beta = beta}).gradient;
}

// Every (step, β, block, group) row: one BPTT gradient per step, one RHEL gradient per β.
std::vector<AlignmentRow> CompareRules(const HssmGradcheckConfig& config,
                                       const std::vector<const SequenceExample*>& batch,
                                       bool quiet) {
  std::vector<AlignmentRow> rows;
  for (double step : config.steps) {
    HamiltonianSsmConfig model_config = config.model;
    model_config.step = step;
    const HamiltonianSsm model(model_config);
    const std::vector<std::string> names = model.ParameterNames();
    const Eigen::VectorXd bptt = Gradient(model, batch, SequenceGradientRule::kBptt, 0.0);
    for (double beta : config.betas) {
      if (!quiet) fmt::print(stderr, "gradcheck: step {:g}, beta {:g}\n", step, beta);
      const Eigen::VectorXd rhel = Gradient(model, batch, SequenceGradientRule::kRhel, beta);
      for (int block = 0; block < model_config.layers; ++block) {
        for (const auto& [group, indices] : HruGroups(names, block)) {
          AlignmentRow row = Compare(rhel, bptt, indices);
          row.step = step;
          row.beta = beta;
          row.block = block;
          row.group = group;
          rows.push_back(row);
        }
      }
    }
  }
  return rows;
}

void WriteAlignmentCsv(const std::vector<AlignmentRow>& rows, const fs::path& path) {
  OutputFile csv(path);
  csv.Write("step,beta,block,group,cosine,norm_ratio,relative_error\n");
  for (const AlignmentRow& r : rows) {
    csv.Print("{:.17g},{:.17g},{},{},{:.17g},{:.17g},{:.17g}\n", r.step, r.beta, r.block,
              r.group, r.cosine, r.norm_ratio, r.relative_error);
  }
  csv.Close();
}

// One line per (step, β): the whole layer's cosine and norm ratio, block by block.
std::string AlignmentTable(const std::vector<AlignmentRow>& rows) {
  std::string table = "step       beta       block  cosine            norm ratio     rel. error\n";
  for (const AlignmentRow& r : rows) {
    if (r.group != "all") continue;
    table += fmt::format("{:<10.3g} {:<10.3g} {:<6} {:<17.12f} {:<14.9f} {:.3e}\n", r.step,
                         r.beta, r.block, r.cosine, r.norm_ratio, r.relative_error);
  }
  return table;
}

}  // namespace

int RunHssmGradcheck(const GradcheckArguments& arguments, const HssmGradcheckConfig& config) {
  std::vector<const SequenceExample*> batch;
  for (int i = 0; i < config.sequences; ++i) batch.push_back(&config.task.dataset.examples[i]);
  const std::vector<AlignmentRow> rows = CompareRules(config, batch, arguments.quiet);

  StagedDirectory output(arguments.output_dir.empty()
                             ? fs::path("out") / "gradcheck" / fs::path(arguments.config_path).stem()
                             : fs::path(arguments.output_dir),
                         arguments.force);
  WriteAlignmentCsv(rows, output.path() / "alignment.csv");
  const PlotRecipe plot{"plot_hssm_gradcheck.py", {}};
  nlohmann::json summary;
  summary["run"] = RunHeader("gradcheck");
  summary["run"]["config_file"] = fs::absolute(arguments.config_path).string();
  summary["task"] = config.task.dataset.name;
  summary["model"] = {{"unit", config.unit_name},
                      {"layers", config.model.layers},
                      {"hidden", config.model.hidden},
                      {"state", config.model.state},
                      {"seed", config.model.seed}};
  summary["sequences"] = config.sequences;
  summary["betas"] = config.betas;
  summary["steps"] = config.steps;
  summary["plot"] = ToJson(plot);
  WriteJson(summary, output.path() / "summary.json");
  const std::optional<std::string> plot_failure = TryDrawPlots(plot, output.path());
  output.Commit();
  if (arguments.json) {
    fmt::print("{}\n", summary.dump(2));
  } else if (!arguments.quiet) {
    fmt::print("RHEL against BPTT, per HRU block (all of its parameters):\n{}wrote {}\n",
               AlignmentTable(rows), output.destination().string());
  }
  return plot_failure ? ReportPlotFailure(*plot_failure, output.destination()) : 0;
}

}  // namespace echolab
