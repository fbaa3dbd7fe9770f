#pragma once

#include <functional>
#include <map>
#include <string>

#include "circuits/source_text.h"

namespace echolab {

/// Parameter values by lower-cased name.
using ParameterTable = std::map<std::string, double, std::less<>>;

/// The text range card.text[begin, end) of an expression, with the file name
/// that error messages start with.
struct ExpressionText {
  const Card& card;
  const std::string& file;
  size_t begin;
  size_t end;
};

/// Evaluates a .param expression (grammar in expression.cpp): numbers with
/// engineering suffixes, parameters of `params`, + - * / ^ (or **),
/// parentheses, unary minus, pi and sqrt exp log sin cos abs. Names are
/// case-insensitive. Any error (syntax, unknown parameter, division by zero,
/// a result that is not finite) throws InputError at the offending column.
double EvaluateExpression(const ExpressionText& text, const ParameterTable& params);

/// Evaluates a value written without braces: a single number with optional
/// suffix, or a single parameter name.
double EvaluateBareValue(const ExpressionText& text, const ParameterTable& params);

/// True for the names an expression reserves (pi and the functions), which
/// .param cannot define.
bool IsReservedName(const std::string& lower_case_name);

}  // namespace echolab
