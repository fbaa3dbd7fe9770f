#include "circuits/source_text.h"

#include <fmt/format.h>

#include "common/error.h"

namespace echolab {

SourceLocation Card::LocationAt(size_t offset) const {
  return offset < locations.size() ? locations[offset] : end;
}

std::string DescribeToken(std::string_view token) {
  return token.empty() ? std::string("end of line") : fmt::format("'{}'", token);
}

void ThrowInputError(const std::string& file, SourceLocation location, std::string_view what,
                     std::string_view got, std::string_view expected) {
  throw InputError(fmt::format("{}:{}:{}: {}: got {}, expected {}", file, location.line,
                               location.column, what, got, expected));
}

}  // namespace echolab
