#include "prometheus/mon_source.h"

#include <cstdio>

#include "prometheus/promql.h"
#include "support/text.h"

namespace mon::source {

std::string quote(const std::string& s) { return quoteSource(s); }


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
