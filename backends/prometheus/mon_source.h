#pragma once
// Writing `.mon` source text for import: string literals, map keys, values from JSON.
#include <string>

#include "ir/ir.h"

namespace mon::source {

/// A `.mon` string literal: escapes \" \\ \n \t \r, `${` as `\${`, other controls as \u{..}.
std::string quote(const std::string& s);
/// A map key: bare when it is an identifier (and not a keyword), else quoted.
std::string key(const std::string& s);
/// How deep a value may nest for the source to parse: the lexer takes 200 levels of brackets
/// (kMaxNesting in compiler/parse/lexer.h), less the few blocks a value sits in (a dashboard,
/// a widget, its `raw` map).
constexpr size_t kMaxValueDepth = 196;
/// Levels of maps and lists in `v` (0 for a scalar); counts without recursion and stops at
/// kMaxValueDepth + 1, so any input is safe to measure.
size_t depth(const ir::Json& v);
/// A JSON value as a `.mon` value (maps with `key = value`, lists, strings, numbers, bools, null).
/// Throws std::length_error when `v` nests deeper than kMaxValueDepth: callers check depth()
/// first and report the object by name.
std::string value(const ir::Json& v);
/// A duration in seconds as `.mon` spells it: 90s, 5m, 1h30m, 0s.
std::string duration(long long seconds);

}  // namespace mon::source
