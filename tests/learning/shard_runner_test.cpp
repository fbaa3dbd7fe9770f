// RunShards: every shard runs exactly once whatever the thread count, and the exception of
// the lowest failing shard is the one rethrown.

#include "learning/hssm/shard_runner.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace echolab {
namespace {

TEST(ShardRunner, RunsEveryShardOnce) {
  for (int threads : {0, 1, 2, 5}) {
    std::vector<int> runs(7, 0);
    RunShards(7, threads, [&](int s) { ++runs[static_cast<size_t>(s)]; });
    EXPECT_EQ(runs, std::vector<int>(7, 1)) << threads;
  }
  RunShards(0, 2, [](int) { FAIL() << "no shard to run"; });
}

TEST(ShardRunner, RethrowsTheLowestShardsError) {
  try {
    RunShards(6, 3, [](int s) {
      if (s >= 2) throw std::runtime_error("shard " + std::to_string(s));
    });
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "shard 2");
  }
}

}  // namespace
}  // namespace echolab
