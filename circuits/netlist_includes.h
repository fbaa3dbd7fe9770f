#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "circuits/source_text.h"

namespace echolab {

/// One card with the file it was read from.
struct SourcedCard {
  Card card;
  std::string file;
};

/// A netlist's cards after its .include and .lib cards were replaced by the
/// cards of the files they name and its .control ... .endc blocks removed.
struct NetlistSource {
  std::string title;
  std::vector<SourcedCard> cards;
  /// The first card of each removed .control block, for the warnings.
  std::vector<SourcedCard> control_blocks;
};

/// The deepest chain of .include and .lib cards that is followed.
inline constexpr int kMaxIncludeDepth = 16;

/// Reads netlist text (its first line the title) as cards:
///   .include PATH | .inc PATH      the cards of the file PATH
///   .lib PATH SECTION              the cards between '.lib SECTION' and
///                                  '.endl' in the file PATH
/// PATH (optionally "quoted" or 'quoted') is relative to the directory of the
/// file that names it; an included file has no title line and ends at its
/// .end card, if any. A .control block runs to its .endc and is removed
/// unread. Throws InputError at the card's FILE:LINE:COLUMN for a file that
/// cannot be read, a cycle of includes, more than kMaxIncludeDepth nested
/// includes, a missing SECTION, or a .control without .endc.
NetlistSource ReadNetlistSource(std::string_view text, const std::string& file);

/// The first word of a card, lower-cased (".include", "r1", ...).
std::string FirstWord(const Card& card);

}  // namespace echolab
