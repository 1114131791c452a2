#include "time_arg.h"

#include <cctype>

#include "support/text.h"

namespace mon::cli {

namespace {

const char* kForms = "a duration before now (30d, 12h, 90m, 45s, 2w) or an RFC 3339 time (2026-11-01T09:30:00Z)";

std::string at(const std::string& text, size_t i) {
  return i < text.size() ? "'" + std::string(1, text[i]) + "' at character " + std::to_string(i + 1) : "end of the text";
}

bool bad(std::string& err, const std::string& text, const std::string& what) {
  err = "'" + text + "': " + what + "; expected " + kForms;
  return false;
}

// Reads `n` digits at `i` into `v`.
bool digits(const std::string& s, size_t& i, int n, int& v) {
  v = 0;
  for (int k = 0; k < n; ++k, ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// As the language writes durations (support/text.h): "30d", "1h30m"; where it is not one, the
// first character that cannot belong to one is named.
bool duration(const std::string& s, int64_t now, int64_t& out, std::string& err) {
  int64_t ms = 0;
  if (parseDurationMs(s, ms)) {
    if (ms < 1000) return bad(err, s, "a duration under one second");
    if (ms / 1000 > now) return bad(err, s, "reaches before 1970");
    out = now - ms / 1000;
    return true;
  }
  size_t i = s.find_first_not_of("0123456789smhdw");
  if (i != std::string::npos) return bad(err, s, "unexpected " + at(s, i));
  if (!std::isalpha(static_cast<unsigned char>(s.back()))) return bad(err, s, "a duration needs a unit (s, m, h, d or w) at the end");
  return bad(err, s, "not a duration");
}

bool rfc3339(const std::string& s, int64_t& out, std::string& err) {
  size_t i = 0;
  int y, mo, d, h, mi, se;
  auto expect = [&](char c) { return i < s.size() && (s[i] == c || (c == 'T' && (s[i] == 't' || s[i] == ' '))) && ++i; };
  if (!digits(s, i, 4, y) || !expect('-') || !digits(s, i, 2, mo) || !expect('-') || !digits(s, i, 2, d))
    return bad(err, s, "unexpected " + at(s, i));
  if (mo < 1 || mo > 12) return bad(err, s, "month " + std::to_string(mo) + " out of range");
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap)) return bad(err, s, "day " + std::to_string(d) + " out of range");
  if (!expect('T') || !digits(s, i, 2, h) || !expect(':') || !digits(s, i, 2, mi) || !expect(':') || !digits(s, i, 2, se))
    return bad(err, s, "unexpected " + at(s, i) + " (a time needs a date, 'T', hh:mm:ss and a zone)");
  if (h > 23 || mi > 59 || se > 60) return bad(err, s, "time of day out of range");
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return bad(err, s, "unexpected " + at(s, i) + " after '.'");
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '-' ? -1 : 1, oh, om;
    if (!digits(s, i, 2, oh) || !expect(':') || !digits(s, i, 2, om) || oh > 23 || om > 59)
      return bad(err, s, "a zone offset is +hh:mm or -hh:mm");
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return bad(err, s, "unexpected " + at(s, i) + " (a time needs a zone: 'Z' or +hh:mm)");
  }
  if (i != s.size()) return bad(err, s, "unexpected " + at(s, i));
  out = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + std::min(se, 59) - offset;
  return true;
}

}  // namespace

bool parseTimeArg(const std::string& text, int64_t now, int64_t& out, std::string& err) {
  if (text.empty()) return bad(err, text, "empty");
  // Four digits then '-' is a date; a number then a letter is a duration.
  if (text.size() > 4 && text[4] == '-') return rfc3339(text, out, err);
  return duration(text, now, out, err);
}

}  // namespace mon::cli
