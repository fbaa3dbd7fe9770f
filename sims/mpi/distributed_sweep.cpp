#include "sims/mpi/distributed_sweep.h"

#include <fmt/format.h>
#include <mpi.h>

#include <array>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sims/commands/progress_reporter.h"
#include "sims/mpi/mpi_session.h"
#include "sims/sweep/row_appender.h"
#include "sims/sweep/sweep_runner.h"

namespace echolab {

namespace {

// Worker → rank 0: a finished row (none in a first request) and a request
// for the next point. Rank 0 → worker: the point's index, or kNoPoint.
constexpr int kTagRequest = 1;
constexpr int kTagPoint = 2;
constexpr long long kNoPoint = -1;

// What a worker thread sends: its rank's number of threads (so that rank 0
// knows when every thread of the rank has been told there is nothing left),
// and the row it finished, if any.
struct Request {
  int threads = 1;
  bool failed = false;  // the row's point failed
  std::string row;      // a line of results.csv, or empty
};

// The message: "THREADS FAILED\n" and the row.
void SendRequest(const Request& request) {
  const std::string text = fmt::format("{} {}\n{}", request.threads, request.failed ? 1 : 0,
                                       request.row);
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, kTagRequest, MPI_COMM_WORLD);
}

Request ReceiveRequest(int* source) {
  MPI_Status status;
  MPI_Probe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &status);
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  *source = status.MPI_SOURCE;
  const size_t line_end = text.find('\n');
  Request request;
  request.threads = std::stoi(text.substr(0, text.find(' ')));
  request.failed = text[line_end - 1] == '1';
  request.row = text.substr(line_end + 1);
  return request;
}

// Rank 0: answers every request with the next point to run until none is
// left and every worker thread has been told so, appending the rows that
// come with the requests. Returns whether any point failed.
bool Coordinate(const PreparedSweep& prepared, int workers, bool quiet) {
  RowAppender appender(prepared.results);
  ProgressReporter progress("sweep", static_cast<double>(prepared.todo.size()), !quiet);
  size_t next = 0, done = 0;
  bool any_failed = false;
  std::map<int, int> asking;  // by rank: its threads not yet told that nothing is left
  int finished_workers = 0;
  while (finished_workers < workers) {
    int source = 0;
    const Request request = ReceiveRequest(&source);
    if (asking.count(source) == 0) asking[source] = request.threads;
    if (!request.row.empty()) {
      appender.Append(request.row);
      any_failed = any_failed || request.failed;
      progress.Update(static_cast<double>(++done));
    }
    const long long point =
        next < prepared.todo.size() ? static_cast<long long>(prepared.todo[next++]) : kNoPoint;
    MPI_Send(&point, 1, MPI_LONG_LONG, source, kTagPoint, MPI_COMM_WORLD);
    if (point == kNoPoint && --asking[source] == 0) ++finished_workers;
  }
  progress.Finish();
  return any_failed;
}

// A worker rank: `threads` threads run the points that this rank's MPI
// thread (the caller's) obtains from rank 0, and hand their rows back to it.
class Worker {
 public:
  Worker(const SweepConfig& config, int threads) : config_(config), threads_(threads) {}

  void Run() {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads_; ++t) pool.emplace_back([this] { Compute(); });
    for (int t = 0; t < threads_; ++t) Ask(Request{.threads = threads_});
    while (in_flight_ > 0) {
      Finished finished = NextFinished();
      if (!finished.error.empty()) MpiSession::Abort(finished.error, 1);
      --in_flight_;
      Ask(Request{.threads = threads_, .failed = finished.failed, .row = finished.row});
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    changed_.notify_all();
    for (std::thread& thread : pool) thread.join();
  }

 private:
  struct Finished {
    bool failed = false;
    std::string row;
    std::string error;  // an exception that the point's run did not turn into a row
  };

  // Sends a request (with a finished row, if any) and queues the point that
  // comes back.
  void Ask(const Request& request) {
    SendRequest(request);
    long long point = kNoPoint;
    MPI_Recv(&point, 1, MPI_LONG_LONG, 0, kTagPoint, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (point == kNoPoint) return;
    ++in_flight_;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      points_.push_back(static_cast<size_t>(point));
    }
    changed_.notify_all();
  }

  Finished NextFinished() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !finished_.empty(); });
    Finished finished = std::move(finished_.front());
    finished_.pop_front();
    return finished;
  }

  // A worker thread: runs queued points until the rank closes.
  void Compute() {
    for (;;) {
      size_t k = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return closing_ || !points_.empty(); });
        if (points_.empty()) return;
        k = points_.front();
        points_.pop_front();
      }
      Finished finished;
      try {
        const SweepRow row = RunSweepPoint(config_, config_.points[k]);
        finished.failed = row.status != "success";
        finished.row = SweepCsvRow(row);
      } catch (const std::exception& error) {
        finished.error = error.what();
      }
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        finished_.push_back(std::move(finished));
      }
      changed_.notify_all();
    }
  }

  const SweepConfig& config_;
  const int threads_;
  int in_flight_ = 0;  // points asked for and not yet returned (MPI thread only)
  std::mutex mutex_;   // guards the queues and closing_
  std::condition_variable changed_;
  std::deque<size_t> points_;
  std::deque<Finished> finished_;
  bool closing_ = false;
};

}  // namespace

int RunDistributedSweep(const SweepArguments& arguments) {
  MpiSession mpi;
  if (mpi.size() == 1) return RunSweep(arguments);
  // Every rank reads the configuration (a point travels as its index);
  // rank 0 alone prepares the folder. All ranks go on, or none.
  std::optional<SweepConfig> config;
  std::optional<PreparedSweep> prepared;
  std::exception_ptr failure;
  try {
    config.emplace(LoadSweepConfig(arguments.config_path));
    if (mpi.rank() == 0) prepared.emplace(PrepareSweep(arguments, *config));
  } catch (...) {
    failure = std::current_exception();
  }
  const std::array<int, 2> local = {failure && mpi.rank() == 0 ? 1 : 0, failure ? 1 : 0};
  std::array<int, 2> any = {0, 0};  // rank 0 failed, some rank failed
  MPI_Allreduce(local.data(), any.data(), 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (mpi.rank() == 0 && failure) std::rethrow_exception(failure);
  if (mpi.rank() == 0 && any[1] != 0) {
    throw std::runtime_error("sweep: another rank could not read the configuration");
  }
  if (any[1] != 0) {
    // Rank 0 reports its own failure; a rank's alone is reported here.
    if (failure && any[0] == 0) std::rethrow_exception(failure);
    return 0;
  }
  if (mpi.rank() != 0) {
    try {
      Worker(*config, SweepThreads(arguments)).Run();
    } catch (const std::exception& error) {
      MpiSession::Abort(error.what(), 1);
    }
    return 0;
  }
  bool any_failed = false;
  try {
    any_failed = Coordinate(*prepared, mpi.size() - 1, arguments.quiet);
  } catch (const std::exception& error) {
    MpiSession::Abort(error.what(), 1);
  }
  return FinishSweep(arguments, *config, *prepared, any_failed);
}

}  // namespace echolab
