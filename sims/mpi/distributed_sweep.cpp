#include "sims/mpi/distributed_sweep.h"

#include <fmt/format.h>
#include <mpi.h>

#include <array>
#include <chrono>
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

// The next request from any worker, or none. Rank 0 polls rather than
// blocks in MPI_Probe, which spins a core in Open MPI: between messages it
// sleeps, leaving its cores to its own worker threads.
std::optional<Request> PollRequest(int* source) {
  int waiting = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &waiting, &status);
  if (!waiting) return std::nullopt;
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

constexpr std::chrono::milliseconds kPollInterval{1};

// Rank 0: hands out the points, to its own threads and to every other
// rank's in the order they ask, and appends every row to results.csv.
class Coordinator {
 public:
  Coordinator(const SweepConfig& config, const PreparedSweep& prepared, bool quiet)
      : config_(config),
        todo_(prepared.todo),
        appender_(prepared.results),
        progress_("sweep", static_cast<double>(prepared.todo.size()), !quiet) {}

  // Returns whether any point failed.
  bool Run(int threads, int workers) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([this] { Compute(); });
    while (finished_workers_ < workers && !Failure()) {
      int source = 0;
      if (const std::optional<Request> request = PollRequest(&source)) {
        Answer(source, *request);
      } else {
        std::this_thread::sleep_for(kPollInterval);
      }
    }
    for (std::thread& thread : pool) thread.join();
    if (Failure()) MpiSession::Abort(*failure_, 1);
    progress_.Finish();
    return any_failed_;
  }

 private:
  // The next point to run, if any is left.
  std::optional<size_t> NextPoint() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (next_ == todo_.size() || failure_) return std::nullopt;
    return todo_[next_++];
  }

  void Record(const std::string& row, bool failed) {
    appender_.Append(row);
    const std::lock_guard<std::mutex> lock(mutex_);
    any_failed_ = any_failed_ || failed;
    progress_.Update(static_cast<double>(++done_));
  }

  bool Failure() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return failure_.has_value();
  }

  // A worker's request: its row recorded, the next point or kNoPoint sent.
  void Answer(int source, const Request& request) {
    if (asking_.count(source) == 0) asking_[source] = request.threads;
    try {
      if (!request.row.empty()) Record(request.row, request.failed);
    } catch (const std::exception& error) {
      MpiSession::Abort(error.what(), 1);
    }
    const std::optional<size_t> point = NextPoint();
    const long long index = point ? static_cast<long long>(*point) : kNoPoint;
    MPI_Send(&index, 1, MPI_LONG_LONG, source, kTagPoint, MPI_COMM_WORLD);
    if (!point && --asking_[source] == 0) ++finished_workers_;
  }

  // One of rank 0's own worker threads. The first failure (a row that cannot
  // be written) stops the handing out; Run ends the job with it.
  void Compute() {
    try {
      for (std::optional<size_t> k = NextPoint(); k; k = NextPoint()) {
        const SweepRow row = RunSweepPoint(config_, config_.points[*k]);
        Record(SweepCsvRow(row), row.status != "success");
      }
    } catch (const std::exception& error) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = error.what();
    }
  }

  const SweepConfig& config_;
  const std::vector<size_t>& todo_;
  RowAppender appender_;
  std::mutex mutex_;  // guards what follows, but asking_ and finished_workers_
  ProgressReporter progress_;
  size_t next_ = 0, done_ = 0;
  bool any_failed_ = false;
  std::optional<std::string> failure_;
  std::map<int, int> asking_;  // by rank: its threads not yet told that nothing is left
  int finished_workers_ = 0;
};

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
  const bool any_failed = Coordinator(*config, *prepared, arguments.quiet)
                              .Run(SweepThreads(arguments), mpi.size() - 1);
  return FinishSweep(arguments, *config, *prepared, any_failed);
}

}  // namespace echolab
