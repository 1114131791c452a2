#pragma once
// Writing `.mon` source text for import: string literals, map keys, values from JSON.
#include <string>

#include "ir/ir.h"

namespace mon::source {

/// A `.mon` string literal: escapes \" \\ \n \t \r, `${` as `\${`, other controls as \u{..}.
std::string quote(const std::string& s);
/// A map key: bare when it is an identifier (and not a keyword), else quoted.
std::string key(const std::string& s);
/// A JSON value as a `.mon` value (maps with `key = value`, lists, strings, numbers, bools, null).
std::string value(const ir::Json& v);
/// A duration in seconds as `.mon` spells it: 90s, 5m, 1h30m, 0s.
std::string duration(long long seconds);

}  // namespace mon::source
