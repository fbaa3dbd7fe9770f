#include "circuits/netlist_lexer.h"

#include <fmt/format.h>

#include <cctype>

#include "physics/utf8.h"

namespace echolab {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

// The length of a line without its inline comment:
//   comment := ';' anything | '$' anything, where '$' starts the line or
//              follows a blank, and is followed by a blank or the line end;
// neither counts inside "quotes".
size_t ContentLength(std::string_view line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ';') return i;
    const bool dollar_alone =
        (i == 0 || IsBlank(line[i - 1])) && (i + 1 == line.size() || IsBlank(line[i + 1]));
    if (c == '$' && dollar_alone) return i;
  }
  return line.size();
}

// Appends line[from, to) of line number `line_number` to the card.
void Append(std::string_view line, size_t from, size_t to, int line_number, Card* card) {
  for (size_t i = from; i < to; ++i) {
    card->text.push_back(line[i]);
    card->locations.push_back({line_number, static_cast<int>(i) + 1});
  }
  card->end = {line_number, static_cast<int>(to) + 1};
}

// Adds one physical line (after the title) to the cards: skipped when blank
// or a '*' comment, appended to the last card after a '+', else a new card.
void AddLine(std::string_view line, int line_number, const std::string& file,
             std::vector<Card>* cards) {
  size_t to = ContentLength(line);
  while (to > 0 && IsBlank(line[to - 1])) --to;
  size_t from = 0;
  while (from < to && IsBlank(line[from])) ++from;
  if (from == to || line[from] == '*') return;
  if (line[from] != '+') {
    cards->emplace_back();
    Append(line, from, to, line_number, &cards->back());
    return;
  }
  if (cards->empty()) {
    ThrowInputError(file, {line_number, static_cast<int>(from) + 1},
                    "continuation line with nothing to continue", DescribeToken("+"),
                    "a card before it (line 1 is the title)");
  }
  // The '+' becomes the blank that separates the continued text.
  Card& card = cards->back();
  card.text.push_back(' ');
  card.locations.push_back({line_number, static_cast<int>(from) + 1});
  Append(line, from + 1, to, line_number, &card);
}

bool IsWordChar(char c) {
  return !std::isspace(static_cast<unsigned char>(c)) && c != ',' && c != '(' && c != ')' &&
         c != '=' && c != '{' && c != '}' && c != '"';
}

// The end of a {...} or "..." token that opens at `begin`, or throws.
size_t ClosingEnd(const Card& card, const std::string& file, size_t begin, char close) {
  const size_t found = card.text.find(close, begin + 1);
  if (found == std::string::npos) {
    ThrowInputError(file, card.LocationAt(begin),
                    std::string("unterminated '") + card.text[begin] + "'",
                    DescribeToken(std::string_view(card.text).substr(begin)),
                    std::string("a closing '") + close + "' on the same card");
  }
  return found + 1;
}

// Names and the title end up in JSON and CSV files, which hold UTF-8 text.
void CheckUtf8(std::string_view line, int line_number, const std::string& file) {
  if (const auto offset = FirstInvalidUtf8(line)) {
    ThrowInputError(file, {line_number, static_cast<int>(*offset) + 1}, "text that is not UTF-8",
                    fmt::format("the byte 0x{:02X}", static_cast<unsigned char>(line[*offset])),
                    "UTF-8 text (save the file as UTF-8)");
  }
}

}  // namespace

NetlistLines SplitCards(std::string_view text, const std::string& file) {
  NetlistLines lines;
  int line_number = 0;
  while (!text.empty() || line_number == 0) {
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    CheckUtf8(line, line_number + 1, file);
    if (++line_number == 1) {
      lines.title = std::string(line);
    } else {
      AddLine(line, line_number, file, &lines.cards);
    }
  }
  return lines;
}

// token := word | '{' any-but-'}' '}' | '"' any-but-'"' '"' | '(' | ')' | '='
// separated by blanks and commas.
std::vector<Token> Tokenize(const Card& card, const std::string& file) {
  std::vector<Token> tokens;
  const std::string& text = card.text;
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      ++pos;
      continue;
    }
    Token token{Token::Kind::kWord, pos, pos + 1};
    switch (c) {
      case '(':
        token.kind = Token::Kind::kOpen;
        break;
      case ')':
        token.kind = Token::Kind::kClose;
        break;
      case '=':
        token.kind = Token::Kind::kEquals;
        break;
      case '{':
        token.kind = Token::Kind::kExpression;
        token.end = ClosingEnd(card, file, pos, '}');
        break;
      case '"':
        token.kind = Token::Kind::kString;
        token.end = ClosingEnd(card, file, pos, '"');
        break;
      case '}':
        ThrowInputError(file, card.LocationAt(pos), "unexpected '}'", DescribeToken("}"),
                        "a '{' before it");
      default:
        while (token.end < text.size() && IsWordChar(text[token.end])) ++token.end;
    }
    tokens.push_back(token);
    pos = token.end;
  }
  return tokens;
}

}  // namespace echolab
