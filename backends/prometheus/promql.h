#pragma once
// The portable core of monitors as PromQL: what Prometheus rules and Grafana alert rules
// (which query a Prometheus data source) both evaluate. docs/backends.md has the mapping.
#include <functional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::promql {

/// One alert condition: `value op threshold`, held for `forSeconds`, at one severity.
struct Condition {
  std::string severity;   // "warning" or "critical"
  std::string value;      // PromQL producing the watched value (no comparison)
  std::string op;         // ">" or "<"
  double threshold = 0;
  long long forSeconds = 0;
  std::string aspect;     // what is checked, for titles: "", "response time", "certificate"
};

/// A field the target leaves out (a warning), with why.
struct Dropped {
  std::string field;
  std::string why;
};

/// The translation of one monitor.
struct Translation {
  std::vector<Condition> conditions;  // empty when not expressible
  std::string whyNot;                 // set when not expressible
  std::vector<Dropped> dropped;
};

/// Translates a monitor (query, host comparative/loadavg metrics, connectivity, external).
Translation translate(const ir::Monitor& m);

/// `value op threshold`, with the value in parentheses unless it stands as a comparison's left
/// operand without them.
std::string comparison(const Condition& c);
/// A number as PromQL and YAML read it back exactly: 90, 0.5, 1e+21.
std::string number(double v);
/// Prometheus duration: 0s, 90s, 5m, 1h30m, 2d.
std::string duration(long long seconds);
/// Label matchers for one Mackerel scope: "svc" -> service="svc", "svc: role" -> +role="role".
std::string scopeMatchers(const std::string& scope);
/// True when `s` reads the same as the left operand of a comparison without parentheses: no
/// comparison, `bool`, `and`, `or` or `unless` outside brackets (PromQL binds arithmetic tighter
/// than comparisons, and those looser or as tight), balanced brackets and quotes, no comment.
bool standsAsLeftOperand(const std::string& s);
/// Where a walk over PromQL text outside its string literals ended (scanOutsideStrings).
struct Scan {
  bool stopped = false;       // `visit` returned false
  int depth = 0;              // brackets open at the end
  bool unbalanced = false;    // a closing bracket without its opening one
  bool inString = false;      // the text ends inside a string literal
};
/// Walks `s` as PromQL reads it: string literals ("...", '...', `...`, with backslash escapes)
/// and brackets are followed here; `visit(i, depth)` sees every other byte with the number of
/// brackets open around it, and stops the walk by returning false.
/// A template: a rule file calls it once per condition, and a std::function call per byte was
/// most of the Prometheus backend's time on a large file.
template <typename Visit>
Scan scanOutsideStrings(const std::string& s, Visit&& visit) {
  Scan r;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '(' || c == '{' || c == '[') {
      ++r.depth;
    } else if (c == ')' || c == '}' || c == ']') {
      if (--r.depth < 0) r.unbalanced = true;
    } else if (!visit(i, r.depth)) {
      r.stopped = true;
      return r;
    }
  }
  r.inString = quote != 0;
  return r;
}
/// True when `and`, `or`, `unless` or `bool` stands on its own (not inside a name) at `s[i]`:
/// what binds looser than a comparison, or makes it a 0/1 value.
bool looseOperatorAt(const std::string& s, size_t i);
/// A PromQL string literal.
std::string quote(const std::string& s);

}  // namespace mon::promql
