#pragma once

// The problem that the sweep tests vary: a gradcheck configuration of the
// paper's six oscillators.

#include <string>

namespace echolab::testing {

/// The six oscillators from a fixed initial state, driven by `input` (the
/// lines of one [[input]] table), run by leapfrog for `duration_s` and read
/// at dof 4; a [sweep] table follows it.
inline std::string SixOscillatorsProblem(const std::string& input, const std::string& duration_s) {
  return "[model]\ntype = \"paper_six_oscillators\"\n[[input]]\n" + input +
         "[initial_state]\nq = [0.2, 0.0, -0.1, 0.0, 0.1, 0.0]\n[simulation]\nduration_s = " +
         duration_s +
         "\n[integrator]\nscheme = \"leapfrog\"\nstep_s = 0.005\n[loss]\nreadout = "
         "\"position\"\ndof = [4]\n";
}

}  // namespace echolab::testing
