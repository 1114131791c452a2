#include "support/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mon {

bool parseDurationMs(std::string_view s, int64_t& ms) {
  int64_t total = 0;
  size_t i = 0;
  if (s.empty()) return false;
  while (i < s.size()) {
    int64_t n = 0;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n > (std::numeric_limits<int64_t>::max() / 10) - 10) return false;
      n = n * 10 + (s[i++] - '0');
    }
    if (i == start) return false;
    size_t u = i;
    while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) ++i;
    std::string_view unit = s.substr(u, i - u);
    int64_t mult = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000
                 : unit == "d" ? 86400000 : unit == "w" ? 604800000 : 0;
    if (mult == 0) return false;
    if (n > std::numeric_limits<int64_t>::max() / mult) return false;
    total += n * mult;
    if (total < 0) return false;
  }
  ms = total;
  return true;
}

std::string formatDurationMs(int64_t ms) {
  if (ms == 0) return "0s";
  static const std::pair<int64_t, const char*> units[] = {
      {86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
  for (auto [size, name] : units)
    if (ms % size == 0) return std::to_string(ms / size) + name;
  return std::to_string(ms) + "ms";
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

size_t editDistance(std::string_view a, std::string_view b, size_t limit) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0], best = row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
      best = std::min(best, row[j]);
    }
    if (best > limit) return limit + 1;
  }
  return row[b.size()];
}

std::string closestMatch(std::string_view name, const std::vector<std::string>& candidates) {
  size_t limit = name.size() <= 3 ? 1 : name.size() <= 6 ? 2 : 3;
  std::string best;
  size_t bestDist = limit + 1;
  for (const auto& c : candidates) {
    size_t d = editDistance(name, c, limit);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

std::string formatNumber(double v) {
  if (std::isnan(v) || std::isinf(v)) return "0";
  if (v == 0) return "0";
  char buf[64];
  // Shortest representation that round-trips.
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  std::string s(buf, res.ptr);
  double a = std::fabs(v);
  if (a >= 1e-6 && a < 1e21 && (s.find('e') != std::string::npos)) {
    res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    s.assign(buf, res.ptr);
  } else if ((a < 1e-6 || a >= 1e21) && s.find('e') != std::string::npos) {
    // Go writes e+21 / e-07 with at least two exponent digits.
    size_t e = s.find('e');
    std::string mant = s.substr(0, e), exp = s.substr(e + 1);
    char sign = exp[0] == '-' ? '-' : '+';
    if (exp[0] == '-' || exp[0] == '+') exp = exp.substr(1);
    while (exp.size() > 1 && exp[0] == '0') exp = exp.substr(1);
    if (exp.size() < 2) exp = "0" + exp;
    s = mant + "e" + sign + exp;
  }
  return s;
}

std::string quoteSource(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '$':
        out += (i + 1 < s.size() && s[i + 1] == '{') ? "\\$" : "$";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\u{%x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string quotedList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += (i + 1 == items.size()) ? " or " : ", ";
    out += "'" + items[i] + "'";
  }
  return out;
}

}  // namespace mon

namespace mon {

std::string camelCase(std::string_view snake) {
  std::string out;
  bool up = false;
  for (char c : snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

namespace {
void appendEscaped(std::string& out, uint32_t cp) {
  static const char* hex = "0123456789ABCDEF";
  out += "<U+00";
  out += hex[(cp >> 4) & 0xF];
  out += hex[cp & 0xF];
  out += '>';
}
}  // namespace

std::string escapeControls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      appendEscaped(out, c);
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      appendEscaped(out, static_cast<unsigned char>(s[++i]));  // U+0080..U+009F (C1 controls)
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string boundedForMessage(std::string_view s, size_t maxChars) {
  size_t chars = 0, cut = s.size();
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars++ == maxChars) {
      cut = i;
      break;
    }
  }
  if (cut == s.size()) return escapeControls(s);
  return escapeControls(s.substr(0, cut)) + "\u2026 (" + std::to_string(utf8Length(s)) + " characters)";
}

}  // namespace mon
