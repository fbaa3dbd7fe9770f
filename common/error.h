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

/// A file could not be written (disk full, file size limit, I/O error): the
/// message names the file and the system's reason. Not bad input: the
/// command line exits with 1.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A broken internal invariant: a programming error in echolab, never the
/// consequence of the user's input (that is an InputError).
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Throws InternalError naming the source file and line.
[[noreturn]] inline void FailInvariant(const char* file, int line, const std::string& what) {
  throw InternalError(std::string("internal error at ") + file + ":" + std::to_string(line) + ": " +
                      what + " (a bug in echolab; please report it)");
}

}  // namespace echolab

/// Checks an internal invariant: ECHOLAB_CHECK(a.size() == b.size(), "...").
#define ECHOLAB_CHECK(condition, what) \
  ((condition) ? static_cast<void>(0) : ::echolab::FailInvariant(__FILE__, __LINE__, (what)))
