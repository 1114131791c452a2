#pragma once
// The lint rules: a stable code, a name, a default severity, and why each matters. The code is
// what users write in suppressions and configuration; docs/lint.md explains each rule.
#include <string>
#include <vector>

#include "diag/diagnostic.h"

namespace mon::lint {

/// One rule. `severity` is its default; a configuration may change it or turn the rule off.
struct Rule {
  const char* code;      // "MON001": never renumbered or reused
  const char* name;      // "threshold-order"
  Severity severity;
  const char* summary;   // one line: what it finds
  const char* reason;    // why an experienced on-call engineer would flag it
};

/// Every rule, in code order.
const std::vector<Rule>& rules();
/// The rule with this code or name ("MON001" or "threshold-order"), or null.
const Rule* findRule(const std::string& codeOrName);
/// The closest code or name to an unknown one, for a did-you-mean ("" when none is close).
std::string closestRule(const std::string& codeOrName);

}  // namespace mon::lint
