#include "support/terminal.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mon {

namespace {

void hexByte(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}

// The length of the well-formed UTF-8 sequence at `s[i]` (2..4) and its code point, or 0.
size_t utf8Sequence(std::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  cp = c & (0xff >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

}  // namespace

std::string terminalSafe(std::string_view text, bool keepLineBreaks) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\n' || c == '\t') out += keepLineBreaks ? std::string(1, char(c)) : (c == '\n' ? "\\n" : "\\t");
      else if (c < 0x20 || c == 0x7f) hexByte(out, c);
      else out += char(c);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t n = utf8Sequence(text, i, cp);
    if (n == 0) {
      hexByte(out, c);
      ++i;
      continue;
    }
    if (cp >= 0x80 && cp <= 0x9f) {
      char buf[10];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

bool useColor(int fd) {
  const char* noColor = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (noColor && *noColor) return false;
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return isatty(fd) != 0;
}

}  // namespace mon
