#include "sims/commands/sweep_command.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "physics/error.h"
#include "sims/commands/progress_reporter.h"
#include "sims/output/output_destination.h"
#include "sims/output/plotting.h"
#include "sims/sweep/seed_statistics.h"
#include "sims/sweep/sweep_runner.h"

namespace echolab {

namespace fs = std::filesystem;

namespace {

// Appends whole rows to the results file, one writer at a time; each row is
// flushed as soon as it is written.
class RowWriter {
 public:
  explicit RowWriter(const fs::path& path) : file_(std::fopen(path.string().c_str(), "a")) {
    if (file_ == nullptr) {
      throw InputError(
          fmt::format("{}: cannot open the results file for appending", path.string()));
    }
  }
  ~RowWriter() { std::fclose(file_); }
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  void Write(const std::string& row) {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(row.data(), 1, row.size(), file_);
    std::fflush(file_);
  }

 private:
  std::FILE* file_;
  std::mutex mutex_;
};

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

  RowWriter writer(results);
  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> any_failed{false};
  std::mutex progress_mutex;
  ProgressReporter progress("sweep", static_cast<double>(todo.size()), !arguments.quiet);
  const auto work = [&] {
    for (size_t k = next++; k < todo.size(); k = next++) {
      const SweepRow row = RunSweepPoint(config, todo[k]);
      if (row.status != "success") any_failed = true;
      writer.Write(SweepCsvRow(row));
      const std::lock_guard<std::mutex> lock(progress_mutex);
      progress.Update(static_cast<double>(++done));
    }
  };
  const int jobs = arguments.jobs > 0
                       ? arguments.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> workers;
  for (int j = 0; j < jobs; ++j) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
  progress.Finish();
  WriteSeedStatistics(SummariseSeeds(config.points, ReadSweepRows(results, config.compared.size())),
                      directory / "seed_statistics.csv");
  WriteSweepMetadata(config, directory / "meta.json");

  if (arguments.plot) RunPlotScript("plot_sweep.py", {directory.string()});
  if (!arguments.quiet) fmt::print("wrote {}\n", results.string());
  return any_failed ? 1 : 0;
}

}  // namespace echolab
