#include "learning/hssm/shard_runner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace echolab {

int ResolveThreadCount(int threads) {
  if (threads > 0) return threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void RunShards(int shards, int threads, const std::function<void(int shard)>& task) {
  std::vector<std::exception_ptr> errors(static_cast<size_t>(std::max(shards, 0)));
  std::atomic<int> next{0};
  // Each worker takes the next shard not yet taken until none is left.
  const auto work = [&] {
    for (int s = next++; s < shards; s = next++) {
      try {
        task(s);
      } catch (...) {
        errors[static_cast<size_t>(s)] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  const int workers = std::min(ResolveThreadCount(threads), shards);
  for (int t = 1; t < workers; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace echolab
