#include "physics/memory_budget.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {
namespace {

double limit_gib = MemoryBudget::kDefaultGiB;

}  // namespace

void MemoryBudget::SetLimitGiB(double gib) {
  if (!(gib > 0.0) || !std::isfinite(gib)) {
    throw InputError(fmt::format("--max-memory: expected a positive number of GiB, got {}", gib));
  }
  limit_gib = gib;
}

double MemoryBudget::LimitGiB() { return limit_gib; }

void MemoryBudget::Check(double bytes, std::string_view where, std::string_view what) {
  if (!(bytes > LimitBytes())) return;
  throw InputError(fmt::format(
      "{}: {} needs about {:.3g} GiB of memory, more than the limit of {:.3g} GiB; make it "
      "smaller, or raise the limit with --max-memory GIB if the machine has the memory",
      where, what, bytes / kBytesPerGiB, LimitGiB()));
}

}  // namespace echolab
