#pragma once

#include <stdexcept>
#include <string>

namespace echolab {

/// Bad user input: a wrong size, a value out of range, a malformed file.
/// The message names the field (or file and line) and what was expected.
class InputError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A numerical failure that the caller asked to be thrown rather than
/// reported in a status (solver breakdown, non-finite state).
class SolverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace echolab
