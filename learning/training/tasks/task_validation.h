#pragma once

#include <string>

namespace echolab {

// Checks of task settings; each throws InputError "FIELD: expected ..., got ...".
[[noreturn]] void FailField(const std::string& field, const std::string& message);
void RequireAtLeast(const std::string& field, long value, long minimum);
void RequirePositive(const std::string& field, double value);
void RequireNonNegative(const std::string& field, double value);
void RequireFraction(const std::string& field, double value);  // in (0, 1]

}  // namespace echolab
