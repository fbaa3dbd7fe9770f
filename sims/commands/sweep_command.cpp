#include "sims/commands/sweep_command.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "physics/error.h"
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
bool RunPoints(const SweepConfig& config, const std::vector<SweepPoint>& todo, int jobs,
               RowAppender* results, ProgressReporter* progress) {
  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> any_failed{false}, stop{false};
  std::mutex mutex;  // guards progress and failure
  std::exception_ptr failure;
  const auto work = [&] {
    try {
      for (size_t k = next++; k < todo.size() && !stop; k = next++) {
        const SweepRow row = RunSweepPoint(config, todo[k]);
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

int RunSweep(const SweepArguments& arguments) {
  const SweepConfig config = LoadSweepConfig(arguments.config_path);
  // The sweep writes into its folder as it goes (to resume), so an earlier
  // sweep's folder is kept, and any other non-empty folder refused.
  const fs::path directory = CheckOutputDestination(
      arguments.output_dir.empty()
          ? fs::path("out") / "sweep" / fs::path(arguments.config_path).stem()
          : fs::path(arguments.output_dir),
      arguments.force);
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    throw InputError(fmt::format("--output-dir {}: cannot create the folder: {}",
                                 directory.string(), error.message()));
  }
  const FolderLock lock(directory / "sweep.lock");
  if (arguments.restart) DiscardSweepResults(directory);
  CheckOrRecordProblem(directory, config.fingerprint);
  const fs::path results = directory / "results.csv";
  const std::set<std::string> finished =
      PrepareResultsFile(results, SweepCsvHeader(config.compared_names));
  std::vector<SweepPoint> todo;
  for (const SweepPoint& point : config.points) {
    if (finished.count(point.Key()) == 0) todo.push_back(point);
  }
  if (!arguments.quiet) {
    fmt::print(stderr, "sweep: {} points, {} already in {}, {} to run\n", config.points.size(),
               config.points.size() - todo.size(), results.string(), todo.size());
  }

  RowAppender appender(results);
  ProgressReporter progress("sweep", static_cast<double>(todo.size()), !arguments.quiet);
  const int jobs = arguments.jobs > 0
                       ? arguments.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool any_failed = RunPoints(config, todo, jobs, &appender, &progress);
  WriteSeedStatistics(SummariseSeeds(config.points, ReadSweepRows(results, config.compared.size())),
                      directory / "seed_statistics.csv");
  WriteSweepMetadata(config, directory / "meta.json");

  const std::optional<std::string> plot_failure =
      arguments.plot ? TryDrawPlots(kSweepPlot, directory) : std::nullopt;
  if (!arguments.quiet) fmt::print("wrote {}\n", results.string());
  if (any_failed) return 1;
  return plot_failure ? ReportPlotFailure(*plot_failure, directory) : 0;
}

}  // namespace echolab
