#pragma once

// The lossless three-section LC ladder with a mutual inductance that the
// circuit tests share.

#include <string>

namespace echolab::testing {

/// The ladder driven at node n1 by a 60 MHz sine current of the given
/// amplitude (a SPICE value, e.g. "10m").
inline std::string LadderNetlist(const std::string& amplitude_A = "10m") {
  return "Lossless LC ladder with a mutual inductance\n"
         "I1 0 n1 SIN(0 " +
         amplitude_A +
         " 60meg)\n"
         "C1 n1 0 10p\n"
         "L1 n1 n2 25n\n"
         "C2 n2 0 10p\n"
         "L2 n2 n3 25n\n"
         "K1 L1 L2 0.1\n"
         "C3 n3 0 10p\n"
         "L3 n3 0 50n\n"
         ".end\n";
}

}  // namespace echolab::testing
