#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace echolab {

/// The offset of the first byte of `text` that is not part of well-formed
/// UTF-8 (overlong forms, surrogates and code points above U+10FFFF are not),
/// or nullopt when all of it is.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);

}  // namespace echolab
