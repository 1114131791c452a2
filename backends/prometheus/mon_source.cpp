#include "prometheus/mon_source.h"

#include <cstdio>

#include "prometheus/promql.h"

namespace mon::source {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '$': out += (i + 1 < s.size() && s[i + 1] == '{') ? "\\$" : "$"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\u{%X}", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string key(const std::string& s) {
  static const char* keywords[] = {"import", "let", "template", "use", "for", "in", "if", "else", "variable", "true", "false", "null"};
  bool ident = !s.empty() && (std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_');
  for (unsigned char c : s) ident = ident && (std::isalnum(c) || c == '_');
  for (const char* k : keywords) ident = ident && s != k;
  return ident ? s : quote(s);
}

std::string value(const ir::Json& v) {
  if (v.is_string()) return quote(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "null";
  if (v.is_number()) return promql::number(v.get<double>());
  std::string out;
  if (v.is_array()) {
    out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + value(v[i]);
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    out += (first ? " " : ", ") + key(it.key()) + " = " + value(it.value());
    first = false;
  }
  return out + (first ? "}" : " }");
}

std::string duration(long long seconds) { return promql::duration(seconds); }

}  // namespace mon::source
