#pragma once

#include <map>
#include <string>
#include <vector>

#include "circuits/netlist_includes.h"

namespace echolab {

/// A .subckt definition:
///   .subckt NAME PORT... [params:] {PARAM=DEFAULT}
///   body cards
///   .ends [NAME]
struct Subcircuit {
  std::string name;                          // lower case
  std::vector<std::string> ports;            // lower case, in order
  const SourcedCard* header = nullptr;       // the .subckt card
  size_t first_parameter_token = 0;          // of the header's tokens
  std::vector<const SourcedCard*> body;
};

/// A netlist's cards split into the top level and the subcircuit definitions.
struct SubcircuitSplit {
  std::vector<const SourcedCard*> top_level;
  std::map<std::string, Subcircuit, std::less<>> subcircuits;  // by name
};

/// Takes the .subckt ... .ends blocks out of `cards` (which must outlive the
/// result). Throws InputError at FILE:LINE:COLUMN for a .subckt without
/// .ends, a .ends without .subckt or naming another subcircuit, a .subckt
/// inside a .subckt, a name defined twice, or a bad header (no name, a port
/// given twice, "0" or "gnd" as a port).
SubcircuitSplit SplitSubcircuits(const std::vector<SourcedCard>& cards);

}  // namespace echolab
