#pragma once
// promtool's expanding notation for test series, read the way promtool reads it, so a test's
// series mean the same to monitorc's own evaluators as to promtool:
//   "1 2 3"      one sample per interval
//   "1+2x3"      1 3 5 7 (the start and then 3 steps of +2)   "10-1x2"  10 9 8
//   "5x2"        5 5 5 (the same as 5+0x2)
//   "_"          no sample at that step; "_x3" three steps without a sample
//   "stale"      a staleness marker: the series ends there (and may start again later)
#include <string>
#include <vector>

namespace mon {

struct SeriesSample {
  enum class Kind { Value, Missing, Stale };
  Kind kind = Kind::Missing;
  double value = 0;
};

/// Reads `text` into one sample per step. On a malformed token returns false with `error` and
/// `errorOffset`/`errorLength`, the token's place in `text` (for a diagnostic under it).
bool parseSeries(const std::string& text, std::vector<SeriesSample>& out, std::string& error, size_t& errorOffset,
                 size_t& errorLength);

}  // namespace mon
