#include "prometheus/mon_source.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

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

size_t depth(const ir::Json& v) {
  size_t deepest = 0;
  std::vector<std::pair<const ir::Json*, size_t>> todo{{&v, 0}};
  while (!todo.empty() && deepest <= kMaxValueDepth) {
    auto [at, d] = todo.back();
    todo.pop_back();
    if (!at->is_structured()) continue;
    deepest = std::max(deepest, d + 1);
    for (const auto& child : *at) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

namespace {

std::string valueAt(const ir::Json& v, size_t level) {
  if (v.is_string()) return quote(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "null";
  if (v.is_number()) return promql::number(v.get<double>());
  if (level >= kMaxValueDepth)
    throw std::length_error("value nested more than " + std::to_string(kMaxValueDepth) + " levels deep");
  std::string out;
  if (v.is_array()) {
    out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + valueAt(v[i], level + 1);
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    out += (first ? " " : ", ") + key(it.key()) + " = " + valueAt(it.value(), level + 1);
    first = false;
  }
  return out + (first ? "}" : " }");
}

}  // namespace

std::string value(const ir::Json& v) { return valueAt(v, 0); }

std::string duration(long long seconds) { return promql::duration(seconds); }

}  // namespace mon::source
