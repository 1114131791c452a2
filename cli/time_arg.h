#pragma once
// Points in time given on the command line (`alerts --since 30d`, `--until 2026-11-01T00:00:00Z`).
#include <cstdint>
#include <string>

namespace mon::cli {

/// Reads `text` as a time: a duration before `now` ("30d", "12h", "90m", "45s", "2w") or an
/// RFC 3339 date-time ("2026-11-01T09:30:00Z", "...+09:00", fractions of a second ignored).
/// Unix seconds in `out`; false with `err` saying what is wrong and where (the character).
bool parseTimeArg(const std::string& text, int64_t now, int64_t& out, std::string& err);

}  // namespace mon::cli
