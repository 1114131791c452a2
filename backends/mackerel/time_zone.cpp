#include "mackerel/time_zone.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace mon::mackerel {

namespace {

int64_t be(const std::string& d, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool validName(const std::string& tz) {
  if (tz.empty() || tz[0] == '/' || tz.find("..") != std::string::npos) return false;
  return std::all_of(tz.begin(), tz.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
  });
}

}  // namespace

bool TimeZone::load(const std::string& name, std::string& err) {
  transitions_.clear();
  offsetAfter_.clear();
  initial_ = 0;
  if (name == "UTC" || name == "Etc/UTC") return true;
  if (!validName(name)) return (err = "'" + name + "' is not a time zone name", false);
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  std::string d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && d.empty()) return (err = "time zone '" + name + "' is not in /usr/share/zoneinfo", false);
  auto bad = [&] { return (err = "time zone file of '" + name + "' is not a TZif file monitorc can read", false); };
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0 || d[4] < '2') return bad();
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = be(d, at + 20 + 4 * i, 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t v2 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];  // skip the 32-bit block
  if (d.size() < v2 + 44 || d.compare(v2, 4, "TZif") != 0) return bad();
  counts(v2, c);
  size_t at = v2 + 44;
  const int64_t timecnt = c[3], typecnt = c[4];
  if (typecnt < 1 || d.size() < at + timecnt * 9 + typecnt * 6) return bad();
  std::vector<int> offsets(typecnt);
  std::vector<bool> dst(typecnt);
  size_t types = at + timecnt * 9;
  for (int64_t i = 0; i < typecnt; ++i) {
    offsets[i] = static_cast<int>(be(d, types + i * 6, 4));
    dst[i] = d[types + i * 6 + 4] != 0;
  }
  for (int64_t i = 0; i < timecnt; ++i) {
    size_t type = static_cast<unsigned char>(d[at + timecnt * 8 + i]);
    if (type >= offsets.size()) return bad();
    transitions_.push_back(be(d, at + i * 8, 8));
    offsetAfter_.push_back(offsets[type]);
  }
  // Before the first transition: the first standard-time type (RFC 8536, 3.2).
  initial_ = offsets[0];
  for (int64_t i = 0; i < typecnt; ++i)
    if (!dst[i]) {
      initial_ = offsets[i];
      break;
    }
  return true;
}

int TimeZone::offsetAt(int64_t utc) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  if (it == transitions_.begin()) return initial_;
  return offsetAfter_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::toUtc(int64_t local) const {
  int64_t guess = local - offsetAt(local);
  int64_t again = local - offsetAt(guess);
  // In a skipped hour the two disagree; the earlier offset (the one before the change) wins.
  return offsetAt(again) == offsetAt(guess) ? again : std::max(guess, again);
}

bool TimeZone::offsetChanges(int64_t from, int64_t to) const {
  int first = offsetAt(from);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), from);
  for (; it != transitions_.end() && *it <= to; ++it)
    if (offsetAfter_[static_cast<size_t>(it - transitions_.begin())] != first) return true;
  return false;
}

}  // namespace mon::mackerel
