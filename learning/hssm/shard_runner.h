#pragma once

#include <functional>

namespace echolab {

/// Runs task(s) for every shard s = 0 … shards − 1, each exactly once, on up to `threads`
/// threads (the calling thread among them; 0 means one per hardware thread). A task that
/// writes only its own shard's results gives the same results whatever the thread count.
/// If tasks throw, the exception of the lowest shard is rethrown once all have finished.
void RunShards(int shards, int threads, const std::function<void(int shard)>& task);

/// The threads RunShards uses for `threads`: the hardware's count for 0, at least 1.
int ResolveThreadCount(int threads);

}  // namespace echolab
