#include "learning/training/tasks/task_validation.h"

#include <fmt/format.h>

#include <cmath>

#include "common/error.h"

namespace echolab {

void FailField(const std::string& field, const std::string& message) {
  throw InputError(fmt::format("{}: {}", field, message));
}

void RequireAtLeast(const std::string& field, long value, long minimum) {
  if (value < minimum) {
    FailField(field, fmt::format("expected an integer >= {}, got {}", minimum, value));
  }
}

void RequirePositive(const std::string& field, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    FailField(field, fmt::format("expected a positive number, got {}", value));
  }
}

void RequireNonNegative(const std::string& field, double value) {
  if (!(value >= 0.0) || !std::isfinite(value)) {
    FailField(field, fmt::format("expected a non-negative number, got {}", value));
  }
}

void RequireFraction(const std::string& field, double value) {
  if (!(value > 0.0 && value <= 1.0)) {
    FailField(field, fmt::format("expected a fraction in (0, 1], got {}", value));
  }
}

}  // namespace echolab
