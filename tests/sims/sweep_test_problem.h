#pragma once

// The problem that the sweep tests vary: a gradcheck configuration of the
// paper's six oscillators.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "sims/command_line.h"

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

/// The [[input]] lines of the sweep tests: a sine of amplitude 0.5 at 0.2 Hz.
inline const std::string kSineInput = "waveform = \"sine\"\namplitude = 0.5\nfrequency_Hz = 0.2\n";

/// An empty scratch folder for the running test: PREFIX + the test's name.
inline std::filesystem::path EmptyTestDirectory(const std::string& prefix) {
  const std::filesystem::path directory = ScratchDirectory(
      prefix + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  return directory;
}

}  // namespace echolab::testing
