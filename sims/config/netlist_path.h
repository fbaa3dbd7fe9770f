#pragma once

#include <string>

namespace echolab {

/// True for the file names that the commands read as SPICE netlists (.cir,
/// .net, .sp, .spice), and for "-" (standard input) when the text has dot
/// cards (.tran, .end, ...), which a TOML configuration never has.
bool IsNetlistPath(const std::string& path);

}  // namespace echolab
