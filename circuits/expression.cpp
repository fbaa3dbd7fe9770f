#include "circuits/expression.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <numbers>
#include <string_view>

#include "physics/lower_case.h"

namespace echolab {
namespace {

constexpr std::string_view kOperandExpected = "a number, a parameter name, a function call or '('";
constexpr std::string_view kSuffixExpected =
    "a number with an optional scale factor (f p n u m mil k meg g t) and unit letters "
    "(e.g. 10pF, 1kOhm)";
// Deeper nesting than this is rejected rather than risking the stack.
constexpr int kMaxNesting = 200;

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsUnitLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }

// Scale factors as ngspice reads them, case-insensitive: t g meg k m mil u
// n p f ("meg" and "mil" are tried before "m", so "M" is milli and "F" alone
// femto). Returns the scale and sets *length, or 0 for none.
double SuffixScale(std::string_view rest, size_t* length) {
  *length = 3;
  const std::string lower = Lower(rest.substr(0, 3));
  if (lower == "meg") return 1e6;
  if (lower == "mil") return 25.4e-6;
  *length = 1;
  switch (lower.empty() ? '\0' : lower[0]) {
    case 'f':
      return 1e-15;
    case 'p':
      return 1e-12;
    case 'n':
      return 1e-9;
    case 'u':
      return 1e-6;
    case 'm':
      return 1e-3;
    case 'k':
      return 1e3;
    case 'g':
      return 1e9;
    case 't':
      return 1e12;
    default:
      *length = 0;
      return 0.0;
  }
}

using UnaryFunction = double (*)(double);

UnaryFunction FindFunction(std::string_view name) {
  if (name == "sqrt") return [](double x) { return std::sqrt(x); };
  if (name == "exp") return [](double x) { return std::exp(x); };
  if (name == "log") return [](double x) { return std::log(x); };
  if (name == "sin") return [](double x) { return std::sin(x); };
  if (name == "cos") return [](double x) { return std::cos(x); };
  if (name == "abs") return [](double x) { return std::abs(x); };
  return nullptr;
}

// Recursive-descent evaluator over text.card.text[begin, end):
//
//   expression := term { ('+' | '-') term }
//   term       := unary { ('*' | '/') unary }
//   unary      := ('-' | '+') unary | power
//   power      := primary [ ('^' | '**') unary ]          right-associative
//   primary    := number | 'pi' | parameter | function '(' expression ')'
//               | '(' expression ')'
//   number     := (digits ['.' [digits]] | '.' digits) ['e' ['+' | '-'] digits] [suffix]
//                 {unit-letter}
//   suffix     := 'f' | 'p' | 'n' | 'u' | 'm' | 'mil' | 'k' | 'meg' | 'g' | 't'
//   unit-letter := a letter or '_' (ignored: 10pF = 10p, 1kOhm = 1k)
//   function   := 'sqrt' | 'exp' | 'log' | 'sin' | 'cos' | 'abs'
//
// so that -2^2 = -4 and 2^3^2 = 512; whitespace may separate tokens.
class ExpressionParser {
 public:
  ExpressionParser(const ExpressionText& text, const ParameterTable& params)
      : text_(text), params_(params), pos_(text.begin) {}

  double ParseWhole() {
    const double value = ParseExpression();
    SkipSpaces();
    if (pos_ < text_.end) {
      Fail(pos_, "unexpected text in expression", DescribeToken(TokenAt(pos_)),
           "an operator (+ - * / ^) or the end of the expression");
    }
    return value;
  }

  // A bare value: one number or one name (parameter or pi), with an optional
  // sign, and nothing else:
  //   bare := ['-' | '+'] (number | name)
  double ParseBare() {
    const double sign = Peek() == '-' ? -1.0 : 1.0;
    if (Peek() == '-' || Peek() == '+') ++pos_;
    const char c = Peek();
    if (!IsDigit(c) && c != '.' && !IsNameStart(c)) {
      Fail(pos_, "bad value", DescribeToken(TokenAt(pos_)),
           "a number, a parameter name or {expression}");
    }
    const double value = IsNameStart(c) ? ParseNameOrCall() : ParseNumber();
    if (pos_ < text_.end) {
      Fail(text_.begin, "bad value", DescribeToken(Text(text_.begin, text_.end)),
           "a number, a parameter name or {expression} (braces around an expression)");
    }
    return sign * value;
  }

 private:
  double ParseExpression() {
    double value = ParseTerm();
    for (;;) {
      SkipSpaces();
      const char op = Peek();
      if (op != '+' && op != '-') return value;
      const size_t op_pos = pos_++;
      const double rhs = ParseTerm();
      value = Checked(op == '+' ? value + rhs : value - rhs, op_pos);
    }
  }

  double ParseTerm() {
    double value = ParseUnary();
    for (;;) {
      SkipSpaces();
      const char op = Peek();
      if ((op != '*' && op != '/') || PeekAt(pos_ + 1) == '*') return value;
      const size_t op_pos = pos_++;
      SkipSpaces();
      const size_t rhs_pos = pos_;
      const double rhs = ParseUnary();
      if (op == '/' && rhs == 0.0) {
        Fail(rhs_pos, "division by zero", DescribeToken(Text(rhs_pos, pos_)), "a non-zero divisor");
      }
      value = Checked(op == '*' ? value * rhs : value / rhs, op_pos);
    }
  }

  double ParseUnary() {
    SkipSpaces();
    const char op = Peek();
    if (op != '-' && op != '+') return ParsePower();
    ++pos_;
    const NestingGuard guard(this);
    const double value = ParseUnary();
    return op == '-' ? -value : value;
  }

  double ParsePower() {
    const double base = ParsePrimary();
    SkipSpaces();
    const size_t op_pos = pos_;
    if (Peek() == '^') {
      pos_ += 1;
    } else if (Peek() == '*' && PeekAt(pos_ + 1) == '*') {
      pos_ += 2;
    } else {
      return base;
    }
    const NestingGuard guard(this);
    return Checked(std::pow(base, ParseUnary()), op_pos);
  }

  double ParsePrimary() {
    SkipSpaces();
    const char c = Peek();
    if (IsDigit(c) || c == '.') return ParseNumber();
    if (IsNameStart(c)) return ParseNameOrCall();
    if (c != '(') Fail(pos_, "bad expression", DescribeToken(TokenAt(pos_)), kOperandExpected);
    const size_t open_pos = pos_++;
    const NestingGuard guard(this);
    const double value = ParseExpression();
    ExpectClosingParenthesis(open_pos);
    return value;
  }

  double ParseNameOrCall() {
    const size_t start = pos_;
    const std::string name = ReadName();
    if (name == "pi") return std::numbers::pi;
    const UnaryFunction function = FindFunction(name);
    if (function == nullptr) {
      pos_ = start;
      return ParseParameter();
    }
    SkipSpaces();
    if (Peek() != '(') {
      Fail(pos_, "function without argument", DescribeToken(TokenAt(pos_)),
           "'(' after '" + name + "'");
    }
    const size_t open_pos = pos_++;
    const NestingGuard guard(this);
    SkipSpaces();
    const size_t argument_pos = pos_;
    const double argument = ParseExpression();
    ExpectClosingParenthesis(open_pos);
    const double value = function(argument);
    if (!std::isfinite(value)) {
      Fail(argument_pos, "argument outside the domain of " + name,
           DescribeToken(Text(argument_pos, pos_ - 1)),
           name == "log" ? "a positive argument" : "an argument with a finite result");
    }
    return value;
  }

  double ParseParameter() {
    const size_t start = pos_;
    const std::string name = ReadName();
    const auto found = params_.find(name);
    if (found == params_.end()) {
      Fail(start, "unknown parameter", DescribeToken(Text(start, pos_)),
           "a parameter defined by an earlier .param");
    }
    return found->second;
  }

  double ParseNumber() {
    const size_t start = pos_;
    while (IsDigit(Peek())) ++pos_;
    if (Peek() == '.') {
      ++pos_;
      while (IsDigit(Peek())) ++pos_;
    }
    if ((Peek() == 'e' || Peek() == 'E') && ExponentFollows()) {
      pos_ += (PeekAt(pos_ + 1) == '+' || PeekAt(pos_ + 1) == '-') ? 2 : 1;
      while (IsDigit(Peek())) ++pos_;
    }
    const std::string_view digits = Text(start, pos_);
    double value = 0.0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value)) {
      Fail(start, "bad number", DescribeToken(TokenAt(start)), kSuffixExpected);
    }
    size_t suffix_length = 0;
    const double scale = SuffixScale(Text(pos_, text_.end), &suffix_length);
    if (suffix_length > 0) {
      pos_ += suffix_length;
      value *= scale;
    }
    // Unit letters after the number or its scale factor are ignored, as
    // ngspice does ("10pF", "1kOhm", "2V"); a digit among them is refused,
    // since ngspice would read "1k5" as 1k.
    while (IsUnitLetter(Peek())) ++pos_;
    if (IsDigit(Peek())) {
      Fail(start, "digits after the scale factor or unit letters", DescribeToken(TokenAt(start)),
           "a number such as 1.5k (ngspice would read '1k5' as 1k)");
    }
    return value;
  }

  // An 'e' after a mantissa starts an exponent when digits follow it.
  bool ExponentFollows() const {
    size_t next = pos_ + 1;
    if (PeekAt(next) == '+' || PeekAt(next) == '-') ++next;
    return IsDigit(PeekAt(next));
  }

  void ExpectClosingParenthesis(size_t open_pos) {
    SkipSpaces();
    if (Peek() != ')') {
      Fail(pos_,
           "unbalanced parenthesis (opened at column " +
               std::to_string(text_.card.LocationAt(open_pos).column) + ")",
           DescribeToken(TokenAt(pos_)), "')' or an operator");
    }
    ++pos_;
  }

  std::string ReadName() {
    const size_t start = pos_;
    while (IsNameChar(Peek())) ++pos_;
    return Lower(Text(start, pos_));
  }

  double Checked(double value, size_t op_pos) const {
    if (!std::isfinite(value)) {
      Fail(op_pos, "arithmetic result is not a finite number", DescribeToken(TokenAt(op_pos)),
           "operands with a finite result");
    }
    return value;
  }

  // The token starting at `pos`, for error messages: a run of name
  // characters, "**", or one character; empty at the end.
  std::string_view TokenAt(size_t pos) const {
    if (pos >= text_.end) return {};
    size_t stop = pos + 1;
    if (IsNameChar(PeekAt(pos)) || PeekAt(pos) == '.') {
      while (IsNameChar(PeekAt(stop)) || PeekAt(stop) == '.') ++stop;
    } else if (PeekAt(pos) == '*' && PeekAt(pos + 1) == '*') {
      stop = pos + 2;
    }
    return Text(pos, stop);
  }

  std::string_view Text(size_t from, size_t to) const {
    return std::string_view(text_.card.text).substr(from, to > from ? to - from : 0);
  }
  char Peek() const { return PeekAt(pos_); }
  char PeekAt(size_t pos) const { return pos < text_.end ? text_.card.text[pos] : '\0'; }
  void SkipSpaces() {
    while (pos_ < text_.end && std::isspace(static_cast<unsigned char>(Peek()))) ++pos_;
  }

  [[noreturn]] void Fail(size_t pos, std::string_view what, std::string_view got,
                         std::string_view expected) const {
    ThrowInputError(text_.file, text_.card.LocationAt(pos), what,
                    pos >= text_.end && got == DescribeToken({}) ? "end of expression" : got,
                    expected);
  }

  // Counts the nesting of parentheses, unary operators and powers.
  class NestingGuard {
   public:
    explicit NestingGuard(ExpressionParser* parser) : parser_(parser) {
      if (++parser_->depth_ > kMaxNesting) {
        parser_->Fail(parser_->pos_, "expression nested too deeply",
                      DescribeToken(parser_->TokenAt(parser_->pos_)),
                      "at most " + std::to_string(kMaxNesting) + " levels of nesting");
      }
    }
    ~NestingGuard() { --parser_->depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    ExpressionParser* parser_;
  };

  const ExpressionText& text_;
  const ParameterTable& params_;
  size_t pos_;
  int depth_ = 0;
};

}  // namespace

double EvaluateExpression(const ExpressionText& text, const ParameterTable& params) {
  return ExpressionParser(text, params).ParseWhole();
}

double EvaluateBareValue(const ExpressionText& text, const ParameterTable& params) {
  return ExpressionParser(text, params).ParseBare();
}

bool IsReservedName(const std::string& lower_case_name) {
  return lower_case_name == "pi" || FindFunction(lower_case_name) != nullptr;
}

}  // namespace echolab
