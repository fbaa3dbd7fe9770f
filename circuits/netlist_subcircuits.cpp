#include "circuits/netlist_subcircuits.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "circuits/netlist_lexer.h"
#include "physics/lower_case.h"

namespace echolab {
namespace {

std::string_view TextOf(const Card& card, const Token& token) {
  return std::string_view(card.text).substr(token.begin, token.end - token.begin);
}

// .subckt NAME PORT... [params:] {PARAM=VALUE}; the ports end at "params:"
// or at the first word followed by '='.
Subcircuit ReadHeader(const SourcedCard& header) {
  const Card& card = header.card;
  const std::vector<Token> tokens = Tokenize(card, header.file);
  Subcircuit subcircuit;
  subcircuit.header = &header;
  if (tokens.size() < 2 || tokens[1].kind != Token::Kind::kWord) {
    ThrowInputError(header.file, tokens.size() < 2 ? card.end : card.LocationAt(tokens[1].begin),
                    "bad .subckt",
                    DescribeToken(tokens.size() < 2 ? "" : TextOf(card, tokens[1])),
                    "a name: .subckt NAME PORT... [params: NAME=VALUE ...]");
  }
  subcircuit.name = Lower(TextOf(card, tokens[1]));
  size_t i = 2;
  for (; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    const bool assignment =
        i + 1 < tokens.size() && tokens[i + 1].kind == Token::Kind::kEquals;
    const std::string word = Lower(TextOf(card, token));
    if (token.kind != Token::Kind::kWord || assignment || word == "params:") break;
    const bool repeated = std::find(subcircuit.ports.begin(), subcircuit.ports.end(), word) !=
                          subcircuit.ports.end();
    if (repeated || word == "0" || word == "gnd") {
      ThrowInputError(header.file, card.LocationAt(token.begin), "bad .subckt port",
                      DescribeToken(word), "a port name other than 0 and gnd, each given once");
    }
    subcircuit.ports.push_back(word);
  }
  if (i < tokens.size() && Lower(TextOf(card, tokens[i])) == "params:") ++i;
  subcircuit.first_parameter_token = i;
  return subcircuit;
}

// Checks the optional name of a .ends against the open definition.
void CheckEnds(const SourcedCard& ends, const Subcircuit& open) {
  const std::vector<Token> tokens = Tokenize(ends.card, ends.file);
  if (tokens.size() < 2) return;
  const std::string name = Lower(TextOf(ends.card, tokens[1]));
  if (tokens.size() > 2 || name != open.name) {
    const Token& bad = tokens.size() > 2 && name == open.name ? tokens[2] : tokens[1];
    ThrowInputError(ends.file, ends.card.LocationAt(bad.begin), "bad .ends",
                    DescribeToken(TextOf(ends.card, bad)),
                    fmt::format("'.ends' or '.ends {}' (the .subckt at line {})", open.name,
                                open.header->card.LocationAt(0).line));
  }
}

}  // namespace

SubcircuitSplit SplitSubcircuits(const std::vector<SourcedCard>& cards) {
  SubcircuitSplit split;
  std::optional<Subcircuit> open;
  for (const SourcedCard& card : cards) {
    const std::string keyword = FirstWord(card.card);
    const SourceLocation at = card.card.LocationAt(0);
    if (keyword == ".subckt") {
      if (open) {
        ThrowInputError(card.file, at, ".subckt inside a .subckt", DescribeToken(keyword),
                        fmt::format(".ends for '{}' first (definitions do not nest)", open->name));
      }
      open = ReadHeader(card);
    } else if (keyword == ".ends") {
      if (!open) ThrowInputError(card.file, at, ".ends without .subckt", DescribeToken(keyword),
                                 "a .subckt card before it");
      CheckEnds(card, *open);
      const std::string name = open->name;
      if (const auto found = split.subcircuits.find(name); found != split.subcircuits.end()) {
        ThrowInputError(open->header->file, open->header->card.LocationAt(0),
                        "subcircuit defined twice", DescribeToken(name),
                        fmt::format("a name not defined at {}:{}", found->second.header->file,
                                    found->second.header->card.LocationAt(0).line));
      }
      split.subcircuits.emplace(name, std::move(*open));
      open.reset();
    } else if (open) {
      open->body.push_back(&card);
    } else {
      split.top_level.push_back(&card);
    }
  }
  if (open) {
    ThrowInputError(open->header->file, open->header->card.LocationAt(0), "unterminated .subckt",
                    DescribeToken(open->name), "a .ends card after its body");
  }
  return split;
}

}  // namespace echolab
