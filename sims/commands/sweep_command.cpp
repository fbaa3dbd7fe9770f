#include "sims/commands/sweep_command.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "physics/input_file.h"
#include "sims/commands/progress_reporter.h"
#include "sims/output/output_destination.h"
#include "sims/output/plotting.h"
#include "sims/sweep/folder_lock.h"
#include "sims/sweep/row_appender.h"
#include "sims/sweep/seed_statistics.h"
#include "sims/sweep/sweep_runner.h"
#include "sims/sweep/sweep_state.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// Runs the points on `jobs` threads, appending each row as it finishes.
// Returns whether any point failed. The first exception of a worker (a row
// that cannot be written) stops the others from starting another point and
// is rethrown once they have finished the one in hand.
bool RunPoints(const SweepConfig& config, const std::vector<size_t>& todo, int jobs,
               RowAppender* results, ProgressReporter* progress) {
  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> any_failed{false}, stop{false};
  std::mutex mutex;  // guards progress and failure
  std::exception_ptr failure;
  const auto work = [&] {
    try {
      for (size_t k = next++; k < todo.size() && !stop; k = next++) {
        const SweepRow row = RunSweepPoint(config, config.points[todo[k]]);
        if (row.status != "success") any_failed = true;
        results->Append(SweepCsvRow(row));
        const std::lock_guard<std::mutex> lock(mutex);
        progress->Update(static_cast<double>(++done));
      }
    } catch (...) {
      stop = true;
      const std::lock_guard<std::mutex> lock(mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs; ++j) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
  progress->Finish();
  return any_failed;
}

}  // namespace

int SweepThreads(const SweepArguments& arguments) {
  return arguments.jobs > 0 ? arguments.jobs
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

PreparedSweep PrepareSweep(const SweepArguments& arguments, const SweepConfig& config) {
  PreparedSweep prepared;
  // The sweep writes into its folder as it goes (to resume), so an earlier
  // sweep's folder is kept, and any other non-empty folder refused.
  prepared.directory = CheckOutputDestination(
      arguments.output_dir.empty() ? DefaultOutputFolder("sweep", arguments.config_path)
                                   : fs::path(arguments.output_dir),
      arguments.force);
  std::error_code error;
  fs::create_directories(prepared.directory, error);
  if (error) {
    throw InputError(fmt::format("--output-dir {}: cannot create the folder: {}",
                                 prepared.directory.string(), error.message()));
  }
  prepared.lock = std::make_unique<FolderLock>(prepared.directory / "sweep.lock");
  if (arguments.restart) DiscardSweepResults(prepared.directory);
  CheckOrRecordProblem(prepared.directory, config.fingerprint);
  prepared.results = prepared.directory / "results.csv";
  const std::set<std::string> finished =
      PrepareResultsFile(prepared.results, SweepCsvHeader(config.compared_names));
  for (size_t k = 0; k < config.points.size(); ++k) {
    if (finished.count(config.points[k].Key()) == 0) prepared.todo.push_back(k);
  }
  if (!arguments.quiet) {
    fmt::print(stderr, "sweep: {} points, {} already in {}, {} to run\n", config.points.size(),
               config.points.size() - prepared.todo.size(), prepared.results.string(),
               prepared.todo.size());
  }
  return prepared;
}

int FinishSweep(const SweepArguments& arguments, const SweepConfig& config,
                const PreparedSweep& prepared, bool any_failed) {
  WriteResultsInGridOrder(config.points, prepared.results);
  WriteSeedStatistics(
      SummariseSeeds(config.points, ReadSweepRows(prepared.results, config.compared.size())),
      prepared.directory / "seed_statistics.csv");
  WriteSweepMetadata(config, prepared.directory / "meta.json", arguments.figure_format);

  const std::optional<std::string> plot_failure =
      arguments.plot ? TryDrawPlots(SweepPlot(arguments.figure_format), prepared.directory)
                     : std::nullopt;
  if (!arguments.quiet) fmt::print("wrote {}\n", prepared.results.string());
  if (any_failed) return 1;
  return plot_failure ? ReportPlotFailure(*plot_failure, prepared.directory) : 0;
}

int RunSweep(const SweepArguments& arguments) {
  const SweepConfig config = LoadSweepConfig(arguments.config_path);
  const PreparedSweep prepared = PrepareSweep(arguments, config);
  RowAppender appender(prepared.results);
  ProgressReporter progress("sweep", static_cast<double>(prepared.todo.size()), !arguments.quiet);
  const bool any_failed =
      RunPoints(config, prepared.todo, SweepThreads(arguments), &appender, &progress);
  return FinishSweep(arguments, config, prepared, any_failed);
}

}  // namespace echolab
