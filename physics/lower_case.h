#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace echolab {

/// `text` in lower case (ASCII): element, node and parameter names are
/// case-insensitive, as in SPICE.
inline std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace echolab
