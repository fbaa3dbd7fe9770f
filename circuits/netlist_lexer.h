#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "circuits/source_text.h"

namespace echolab {

/// A netlist split into its title and cards (comments, blank lines and the
/// continuation marks removed; see netlist_parser.h for the rules).
struct NetlistLines {
  std::string title;
  std::vector<Card> cards;
};

/// Splits netlist text into cards. Throws InputError for a continuation line
/// with nothing to continue, and for bytes that are not UTF-8 text.
NetlistLines SplitCards(std::string_view text, const std::string& file);

/// One token of a card; [begin, end) indexes Card::text.
struct Token {
  enum class Kind {
    kWord,        // a run of characters other than blanks , ( ) = { } "
    kExpression,  // {...}; the expression is [begin + 1, end - 1)
    kString,      // "..."; the string is [begin + 1, end - 1)
    kOpen,        // (
    kClose,       // )
    kEquals,      // =
  };
  Kind kind;
  size_t begin;
  size_t end;
};

/// Splits a card into tokens. Throws InputError for an unterminated {...}
/// or "...", or a stray '}'.
std::vector<Token> Tokenize(const Card& card, const std::string& file);

}  // namespace echolab
