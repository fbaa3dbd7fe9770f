#pragma once

// The message of the InputError that parsing a netlist throws.

#include <gtest/gtest.h>

#include <string>

#include "circuits/netlist_parser.h"
#include "common/error.h"

namespace echolab {

inline std::string ErrorOf(const std::string& text, const std::string& source_name = "net.cir") {
  try {
    ParseNetlistText(text, source_name);
  } catch (const InputError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return "";
}

}  // namespace echolab
