#include "physics/step_count.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace echolab {

long CountIntervals(double duration_s, double step_s, long max_count, std::string_view step_key,
                    std::string_view limit_name) {
  const double count = std::ceil(duration_s / step_s - 1e-9);
  // Compared as doubles: a count beyond the range of long must not be cast.
  if (!(count <= static_cast<double>(max_count))) {
    throw InputError(fmt::format(
        "{} = {:.6g} s over simulation.duration_s = {:.6g} s needs {:.6g} steps, more than "
        "{} = {}: lengthen the step or shorten the pass",
        step_key, step_s, duration_s, count, limit_name, max_count));
  }
  return std::max(1L, static_cast<long>(count));
}

}  // namespace echolab
