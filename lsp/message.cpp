#include "message.h"

#include <cstring>
#include <map>

#include "support/text.h"

namespace mon::lsp {

namespace {

bool hex4(const char* p, uint32_t& out) {
  out = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    uint32_t v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
    if (v == 16) return false;
    out = out * 16 + v;
  }
  return true;
}

// Checks the raw bytes [p, end) of a string's content that hold no quote or backslash: no
// control characters and well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF), what the JSON lexer accepts.
bool plainRunOk(const unsigned char* p, const unsigned char* end) {
  while (p < end) {
    unsigned char c = *p;
    if (c >= 0x20 && c < 0x80) {
      ++p;
      continue;
    }
    if (c < 0x20) return false;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c == 0xE0) n = 2, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 2;
    else if (c == 0xED) n = 2, hi = 0x9F;
    else if (c == 0xF0) n = 3, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 3;
    else if (c == 0xF4) n = 3, hi = 0x8F;
    else return false;
    if (static_cast<size_t>(end - p) < n + 1) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t k = 2; k <= n; ++k)
      if (p[k] < 0x80 || p[k] > 0xBF) return false;
    p += n + 1;
  }
  return true;
}

// Decodes the content of a JSON string, [p, end) between its quotes; false when the JSON lexer
// would reject it.
bool decodeString(const char* p, const char* end, std::string& out) {
  out.clear();
  out.reserve(static_cast<size_t>(end - p));
  while (p < end) {
    const char* slash = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)));
    const char* runEnd = slash ? slash : end;
    if (!plainRunOk(reinterpret_cast<const unsigned char*>(p), reinterpret_cast<const unsigned char*>(runEnd))) return false;
    out.append(p, runEnd);
    if (!slash) break;
    if (slash + 1 >= end) return false;
    p = slash + 2;
    switch (slash[1]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp;
        if (end - p < 4 || !hex4(p, cp)) return false;
        p += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
        if (cp >= 0xD800 && cp <= 0xDBFF) {               // needs its low half next
          uint32_t low;
          if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, low) || low < 0xDC00 || low > 0xDFFF) return false;
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

}  // namespace

json parseMessage(const std::string& body) {
  auto slow = [&] { return json::parse(body, nullptr, /*allow_exceptions=*/false); };
  if (body.size() < kLongString) return slow();
  // Walk the strings in order (outside them JSON has no quotes): a long value is decoded here
  // and left out of the text the parser reads, as "", to be put back by its ordinal.
  std::string rest;
  std::map<size_t, std::string> longValues;  // ordinal among all strings (keys too) -> decoded
  size_t ordinal = 0, copied = 0;
  const char* data = body.data();
  size_t n = body.size();
  for (size_t at = 0;; ++ordinal) {
    const void* open = std::memchr(data + at, '"', n - at);
    if (!open) break;
    size_t begin = static_cast<size_t>(static_cast<const char*>(open) - data) + 1, close = begin;
    for (;;) {  // the closing quote: one not escaped (preceded by an even number of backslashes)
      const void* q = std::memchr(data + close, '"', n - close);
      if (!q) return slow();  // unterminated: the parser says so
      close = static_cast<size_t>(static_cast<const char*>(q) - data);
      size_t slashes = 0;
      while (close - slashes > begin && data[close - slashes - 1] == '\\') ++slashes;
      if (slashes % 2 == 0) break;
      ++close;
    }
    at = close + 1;
    if (close - begin < kLongString) continue;
    size_t next = at;
    while (next < n && (data[next] == ' ' || data[next] == '\t' || data[next] == '\n' || data[next] == '\r')) ++next;
    if (next < n && data[next] == ':') continue;  // a key: left to the parser
    std::string decoded;
    if (!decodeString(data + begin, data + close, decoded)) return slow();
    if (rest.empty()) rest.reserve(n / 8);
    rest.append(data + copied, begin - copied);  // up to and with the opening quote
    copied = close;                              // from the closing quote on
    longValues.emplace(ordinal, std::move(decoded));
  }
  if (longValues.empty()) return slow();
  rest.append(data + copied, n - copied);
  size_t seen = 0;
  json::parser_callback_t putBack = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key) {
      ++seen;
    } else if (event == json::parse_event_t::value && parsed.is_string()) {
      if (auto it = longValues.find(seen); it != longValues.end()) parsed = std::move(it->second);
      ++seen;
    }
    return true;
  };
  json out = json::parse(rest, putBack, /*allow_exceptions=*/false);
  if (out.is_discarded() || seen != ordinal) return slow();  // what the parser read is not what was walked
  return out;
}

}  // namespace mon::lsp
