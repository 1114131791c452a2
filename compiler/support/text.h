#pragma once
// Small text helpers shared by every pass.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mon {

/// "1h30m" -> 5400000. False on an unknown unit or overflow.
bool parseDurationMs(std::string_view text, int64_t& ms);
/// A duration in the largest unit (d, h, m, s, ms) that holds it exactly: 5400000 -> "90m",
/// 86400000 -> "1d", 1500 -> "1500ms". One unit keeps imported source easy to compare.
std::string formatDurationMs(int64_t ms);
void appendUtf8(std::string& out, uint32_t codePoint);
/// Number of Unicode code points (the API's "characters").
size_t utf8Length(std::string_view s);
/// Levenshtein distance, capped: returns limit+1 once it is exceeded.
size_t editDistance(std::string_view a, std::string_view b, size_t limit = 3);
/// The closest candidate within distance 2 (or 1 for short names), or "".
std::string closestMatch(std::string_view name, const std::vector<std::string>& candidates);
/// Shortest round-trip decimal for a double, like Go's strconv 'g' with -1 precision
/// (no exponent between 1e-6 and 1e21): 95 -> "95", 0.5 -> "0.5".
std::string formatNumber(double v);
/// A double-quoted source string literal with escapes, for generated source.
std::string quoteSource(std::string_view s);
/// snake_case -> camelCase ("alert_status_on_gone" -> "alertStatusOnGone"): DSL field to API key.
std::string camelCase(std::string_view snake);
/// Control characters (C0 but tab, DEL, and C1 in UTF-8) written visibly as "<U+001B>", so
/// text from a source never reaches a terminal raw (an ESC would start an escape sequence).
std::string escapeControls(std::string_view s);
/// Text quoted in a message: controls escaped, and past `maxChars` code points cut, with "…"
/// and the full length: "aaaa… (1048576 characters)". A name built by a loop can be megabytes.
std::string boundedForMessage(std::string_view s, size_t maxChars = 100);
/// Quoted list like "'a', 'b' or 'c'".
std::string quotedList(const std::vector<std::string>& items);

}  // namespace mon
