#include "sims/commands/train_command.h"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "circuits/netlist_writer.h"
#include "common/error.h"
#include "common/output_file.h"
#include "learning/training/training_checkpoint.h"
#include "physics/input_file.h"
#include "sims/commands/progress_reporter.h"
#include "sims/config/train_config.h"
#include "sims/output/hardware_cost_json.h"
#include "sims/output/hardware_cost_line.h"
#include "sims/output/output_destination.h"
#include "sims/output/plotting.h"
#include "sims/output/run_metadata.h"
#include "sims/output/staged_directory.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

SequenceGradientRule ParseRule(const std::string& gradient) {
  if (gradient == "rhel") return SequenceGradientRule::kRhel;
  if (gradient == "bptt") return SequenceGradientRule::kBptt;
  throw InputError(fmt::format("--grad: expected rhel or bptt, got '{}'", gradient));
}

// DIR.in-progress beside DIR: the checkpoints of a run that has not finished.
fs::path InProgressDirectory(const fs::path& destination) {
  return destination.parent_path() / (destination.filename().string() + ".in-progress");
}

// Starts DIR.in-progress afresh (or keeps it, to resume). It is removed only
// when it holds nothing but checkpoints, which echolab wrote.
fs::path PrepareInProgressDirectory(const fs::path& destination, bool resume) {
  const fs::path in_progress = InProgressDirectory(destination);
  if (!resume && fs::is_directory(in_progress)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(in_progress)) {
      if (entry.path().filename().string().find("checkpoint.json") == std::string::npos) {
        throw InputError(fmt::format(
            "--output-dir: {} holds {}, which echolab did not write; move it away, or pass "
            "--resume to continue that run",
            in_progress.string(), entry.path().filename().string()));
      }
    }
    fs::remove_all(in_progress);
  }
  std::error_code error;
  fs::create_directories(in_progress, error);
  if (error) {
    throw InputError(
        fmt::format("--output-dir: cannot create {}: {}", in_progress.string(), error.message()));
  }
  return in_progress;
}

// Removes a folder at the end of its scope if it is empty: the checkpoint
// folder of a run that failed before its first checkpoint.
struct RemovedIfEmpty {
  ~RemovedIfEmpty() {
    std::error_code ignored;
    if (fs::is_empty(folder, ignored)) fs::remove(folder, ignored);
  }
  fs::path folder;
};

// The checkpoint that --resume continues from: an unfinished run's, else a
// finished run's (to train for more steps).
TrainingState ResumedState(const fs::path& destination) {
  for (const fs::path& path :
       {InProgressDirectory(destination) / "checkpoint.json", destination / "checkpoint.json"}) {
    if (fs::exists(path)) return LoadCheckpoint(path);
  }
  throw InputError(fmt::format("--resume: no checkpoint in {} or {}",
                               InProgressDirectory(destination).string(), destination.string()));
}

// metrics.csv, one row per evaluation, written as the run goes: in the
// staging folder (where `tail -f` can follow it) and flushed after each row,
// so that it is whole in the destination once the run commits.
class MetricsLog {
 public:
  // Starts the file with the rows of the evaluations already done (resume).
  MetricsLog(const fs::path& path, const TrainingState& state) : csv_(path) {
    csv_.Write("step,epoch,train_loss,validation_loss,validation_metric,wall_time_s\n");
    for (const EvaluationRecord& record : state.history) Append(record);
  }
  void Append(const EvaluationRecord& r) {
    csv_.Print("{},{},{:.17g},{:.17g},{:.17g},{:.6g}\n", r.step, r.epoch, r.train_loss,
               r.validation_loss, r.validation_metric, r.wall_time_s);
    csv_.Flush();
  }
  void Close() { csv_.Close(); }

 private:
  OutputFile csv_;
};

// The circuit with its best values, θ = θ0 exp(z) for the trained log-
// relative parameters z, as a netlist that ngspice runs.
void WriteTrainedNetlist(const Netlist& netlist, const SequenceModel& model,
                         const TrainingState& state, const fs::path& path) {
  const std::vector<std::string> names = model.ParameterNames();
  std::vector<double> values;
  for (size_t i = 0; i < names.size(); ++i) {
    values.push_back(netlist.Find(names[i])->value *
                     std::exp(state.best_parameters[static_cast<Eigen::Index>(i)]));
  }
  WriteFileAtomically(path, WriteNetlist(WithElementValues(netlist, names, values)));
}

// parameters.csv: the trained parameters' values at the best step and at
// the end, in the model's own units (SI units for a substrate).
void WriteParametersCsv(const SequenceModel& model, const TrainingState& state,
                        const fs::path& path) {
  OutputFile csv(path);
  csv.Write("name,best,last\n");
  const std::vector<std::string> names = model.ParameterNames();
  const Eigen::VectorXd best = model.PhysicalValues(state.best_parameters);
  const Eigen::VectorXd last = model.PhysicalValues(state.parameters);
  for (size_t i = 0; i < names.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    csv.Print("{},{:.17g},{:.17g}\n", names[i], best[k], last[k]);
  }
  csv.Close();
}

std::string MetricName(const SequenceDataset& data) {
  return data.kind == SequenceTaskKind::kClassification ? "accuracy" : "mse";
}

nlohmann::json Summary(const TrainConfig& config, const TrainArguments& arguments,
                       const TrainingState& state, const SequenceEvaluation& test) {
  nlohmann::json summary;
  summary["run"] = RunHeader("train");
  summary["run"]["config_file"] = RecordedSourceName(config.source_file);
  summary["gradient_rule"] = arguments.gradient;
  summary["training_seed"] = config.options.seed;
  summary["learning_rate"] = config.options.adam.learning_rate;
  summary["recurrent_learning_rate"] = config.options.recurrent_learning_rate > 0.0
                                           ? config.options.recurrent_learning_rate
                                           : config.options.adam.learning_rate;
  summary["split_seed"] = config.split_seed;
  summary["task"] = config.task.dataset.name;
  summary["model"] = config.model.description;
  summary["metric"] = MetricName(config.task.dataset);
  summary["examples"] = {{"train", config.subsets.train.size()},
                         {"validation", config.subsets.validation.size()},
                         {"test", config.subsets.test.size()}};
  summary["steps"] = state.step;
  summary["stopped_early"] = state.stopped_early;
  summary["best_step"] = state.best_step;
  summary["best_validation_metric"] = state.best_validation_metric;
  summary["test_loss"] = test.loss;
  summary["test_metric"] = test.metric;
  summary["wall_time_s"] = state.wall_time_s;
  return summary;
}

// What one training step's gradient (a batch of the training set, the first
// examples in the split's order) costs the device, at the final parameters
// (SequenceEvaluation::cost and its time unit).
SequenceEvaluation HardwareCostPerStep(const TrainConfig& config, const TrainArguments& arguments,
                                 const TrainingState& state) {
  SequenceModel& model = *config.model.model;
  const Eigen::VectorXd trained = model.Parameters();
  model.SetParameters(state.parameters);
  std::vector<const SequenceExample*> batch;
  const size_t size =
      std::min(config.subsets.train.size(), static_cast<size_t>(config.options.batch_size));
  for (size_t i = 0; i < size; ++i) {
    batch.push_back(&config.task.dataset.examples[static_cast<size_t>(config.subsets.train[i])]);
  }
  const SequenceEvaluation evaluation =
      model.Evaluate(batch, {.compute_gradient = true,
                             .rule = ParseRule(arguments.gradient),
                             .beta = config.options.beta,
                             .measure_hardware_cost = true});
  model.SetParameters(trained);
  return evaluation;
}

// Progress between evaluations, and one line per evaluation.
class TrainingProgress {
 public:
  TrainingProgress(long first_step, long steps, bool enabled)
      : reporter_("train", static_cast<double>(steps), enabled),
        first_step_(first_step),
        steps_(steps),
        enabled_(enabled),
        start_(std::chrono::steady_clock::now()) {}

  void Step(long step) { reporter_.Update(static_cast<double>(step)); }

  void Evaluation(const TrainingState& state, const std::string& metric) {
    if (!enabled_) return;
    const EvaluationRecord& r = state.history.back();
    const double elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double per_step_s = elapsed_s / static_cast<double>(std::max(1L, r.step - first_step_));
    fmt::print(stderr,
               "train: step {}/{} (epoch {}): train loss {:.5g}, validation loss {:.5g}, {} "
               "{:.5g}, {:.0f} s left\n",
               r.step, steps_, r.epoch, r.train_loss, r.validation_loss, metric,
               r.validation_metric, per_step_s * static_cast<double>(steps_ - r.step));
  }

  void Finish() { reporter_.Finish(); }

 private:
  ProgressReporter reporter_;
  long first_step_;
  long steps_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

// Every training step allocates and frees buffers of megabytes (the
// activations of a batch). By default glibc hands such blocks back to the
// kernel (mmap and heap trimming) and faults them in again, zeroed, at the
// next step: on the burst example that made a step 2.6 times slower. Keep
// freed blocks of up to 32 MiB, and up to 1 GiB of free heap, in the process;
// the resident memory then stays at the peak of one step.
void KeepFreedBuffersInTheHeap() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace

int RunTrain(const TrainArguments& arguments) {
  KeepFreedBuffersInTheHeap();
  const SequenceGradientRule rule = ParseRule(arguments.gradient);
  const TrainConfig config = LoadTrainConfig(arguments.config_path, rule, arguments.seed);
  StagedDirectory output(arguments.output_dir.empty()
                             ? DefaultOutputFolder("train", arguments.config_path)
                             : fs::path(arguments.output_dir),
                         arguments.force);
  const fs::path& destination = output.destination();
  SequenceModel& model = *config.model.model;
  const Trainer trainer(&model, &config.task.dataset, config.subsets, config.options);
  TrainingState state = arguments.resume ? ResumedState(destination) : trainer.Start();
  // Checked here, before anything is written.
  if (state.parameters.size() != model.Parameters().size() ||
      state.sampler.order.size() != config.subsets.train.size()) {
    throw InputError("--resume: the checkpoint was written for another model or data set");
  }

  const fs::path in_progress = PrepareInProgressDirectory(destination, arguments.resume);
  const RemovedIfEmpty no_empty_checkpoint_folder{in_progress};
  const std::string metric = MetricName(config.task.dataset);
  if (!arguments.quiet && config.model.netlist) {
    for (const std::string& warning : config.model.netlist->warnings) {
      fmt::print(stderr, "train: warning: {}\n", warning);
    }
  }
  if (!arguments.quiet) {
    fmt::print(stderr, "train: {} on {} ({} / {} / {} examples), gradient {}, from step {}\n",
               config.model.description, config.task.dataset.name, config.subsets.train.size(),
               config.subsets.validation.size(), config.subsets.test.size(), arguments.gradient,
               state.step);
  }
  TrainingProgress progress(state.step, config.options.steps, !arguments.quiet);
  MetricsLog metrics(output.path() / "metrics.csv", state);
  state = trainer.Run(std::move(state), {.after_step = [&](long step) { progress.Step(step); },
                                         .after_evaluation =
                                             [&](const TrainingState& s) {
                                               metrics.Append(s.history.back());
                                               SaveCheckpoint(s, in_progress / "checkpoint.json");
                                               progress.Evaluation(s, metric);
                                             }});
  progress.Finish();
  const SequenceEvaluation test = trainer.Test(state);
  const SequenceEvaluation step_evaluation = HardwareCostPerStep(config, arguments, state);
  const HardwareCost& cost_per_step = step_evaluation.cost;

  metrics.Close();
  SaveCheckpoint(state, output.path() / "checkpoint.json");
  WriteParametersCsv(model, state, output.path() / "parameters.csv");
  if (config.model.netlist) {
    WriteTrainedNetlist(*config.model.netlist, model, state, output.path() / "trained.cir");
  }
  const PlotRecipe plot{"plot_training.py", {metric}, arguments.figure_format};
  nlohmann::json summary = Summary(config, arguments, state, test);
  summary["hardware_cost_per_step"] = nullptr;
  if (cost_per_step.hardware_passes > 0) {
    summary["hardware_cost_per_step"] = HardwareCostJson(cost_per_step, HardwareTiming{});
    summary["hardware_cost_per_step"]["time_unit"] = step_evaluation.cost_time_unit;
  }
  summary["plot"] = ToJson(plot);
  WriteJson(summary, output.path() / "summary.json");
  const std::optional<std::string> plot_failure =
      arguments.plot ? TryDrawPlots(plot, output.path()) : std::nullopt;
  output.Commit();
  fs::remove_all(in_progress);
  if (!arguments.quiet) {
    fmt::print("test {} {:.5g} (loss {:.5g}) with the parameters of step {}; wrote {}\n", metric,
               test.metric, test.loss, state.best_step, destination.string());
    if (cost_per_step.hardware_passes > 0) {
      fmt::print("hardware cost per step ({}): {}\n", arguments.gradient,
                 HardwareCostLine(cost_per_step, HardwareTiming{}, step_evaluation.cost_time_unit));
    }
  }
  return plot_failure ? ReportPlotFailure(*plot_failure, destination) : 0;
}

}  // namespace echolab
