#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace echolab {

/// A position in a text file: 1-based line and column (columns count bytes).
struct SourceLocation {
  int line = 0;
  int column = 0;
};

/// One card of a netlist: a logical line, with its continuation lines joined
/// by a space, and the source location of every character, so that an error
/// anywhere in the card can name the line and column where the user typed it.
struct Card {
  std::string text;
  std::vector<SourceLocation> locations;  // one per character of `text`
  SourceLocation end;                     // just past the last character

  /// The location of text[offset]; `end` for offset >= text.size().
  SourceLocation LocationAt(size_t offset) const;
};

/// How a token appears in an error message: 'TOKEN', or "end of line" when
/// the token is empty (nothing was there).
std::string DescribeToken(std::string_view token);

/// Throws InputError with the message
///   "FILE:LINE:COLUMN: WHAT: got GOT, expected EXPECTED",
/// where GOT is what was found, usually DescribeToken(token).
[[noreturn]] void ThrowInputError(const std::string& file, SourceLocation location,
                                  std::string_view what, std::string_view got,
                                  std::string_view expected);

}  // namespace echolab
