#pragma once
// UTC offsets of an IANA time zone, from the system's zone database (TZif files under
// /usr/share/zoneinfo, Debian's tzdata). Mackerel takes downtimes as instants, so a window
// written in local time is converted here; std::chrono's zones need a newer library than
// Debian 12's, and setting TZ would change every thread's local time.
#include <cstdint>
#include <string>
#include <vector>

namespace mon::mackerel {

class TimeZone {
 public:
  /// "UTC", or a zone name such as "Asia/Tokyo". False with `err` when it cannot be read.
  bool load(const std::string& name, std::string& err);
  /// Seconds east of UTC at the instant `utc` (Unix seconds).
  int offsetAt(int64_t utc) const;
  /// The instant of a wall-clock time in this zone, given as seconds since 1970-01-01 00:00 of
  /// that wall clock. A time skipped by a clock change counts with the offset before it.
  int64_t toUtc(int64_t local) const;
  /// True when the offset changes between `from` and `to` (daylight saving time).
  bool offsetChanges(int64_t from, int64_t to) const;

 private:
  std::vector<int64_t> transitions_;  // instants, ascending
  std::vector<int> offsetAfter_;      // the offset from each transition on
  int initial_ = 0;                   // the offset before the first
};

}  // namespace mon::mackerel
