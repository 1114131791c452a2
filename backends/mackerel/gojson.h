#pragma once
// JSON text exactly as Go's encoding/json writes it (what mkr writes): MarshalIndent with a
// 4-space indent, `&` as \u0026 (mkr puts < and > back), U+2028/2029 escaped, float64
// numbers in Go's shortest form.
#include <string>

#include <nlohmann/json.hpp>

namespace mon::mackerel {

/// Go's float64 spelling: 95, 0.5, 1e+21, 1e-7.
std::string goNumber(double v);
/// Go's quoted string with the escapes above.
std::string goString(const std::string& s);
/// The whole value, indented by `indent` spaces per level, keys in the json's order.
std::string goIndent(const nlohmann::ordered_json& j, int indent = 4);
/// The same, appended to `out` as if the value stood `depth` levels deep (its first line is not
/// indented; the caller writes what precedes it).
void appendGoIndent(std::string& out, const nlohmann::ordered_json& j, int indent, int depth);

}  // namespace mon::mackerel
