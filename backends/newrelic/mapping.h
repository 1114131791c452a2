#pragma once
// One monitor as New Relic NRQL alert conditions, in the shape NerdGraph's condition inputs take
// (AlertsNrqlConditionStaticInput / AlertsNrqlConditionBaselineInput: field names as the API
// spells them, enum values as strings). Build writes them, plan compares them, apply sends them.
#include <string>
#include <vector>

#include "ir/ir.h"
#include "newrelic/newrelic.h"

namespace mon::newrelic {

using Json = ir::Json;

struct Dropped {
  std::string field;
  std::string why;
};

/// One condition: `type` is "STATIC" or "BASELINE", `input` the condition input (name,
/// description with the ownership marker, nrql, terms, signal, expiration ...).
struct Condition {
  std::string name;
  std::string type;
  Json input;
};

/// A monitor on a target: its conditions, or `whyNot` when the target cannot express it, and
/// the fields it drops.
struct Translation {
  std::vector<Condition> conditions;
  std::string whyNot;
  std::vector<Dropped> dropped;
};

Translation translate(const ir::Monitor& m);

/// "" when `input` is a condition of `type` NerdGraph would take, else why not (lengths, enum
/// values, one term per priority, windows and durations in range, STATIC fill with a value ...).
std::string checkCondition(const std::string& type, const Json& input);

/// The condition input fields `raw` may set (signal, expiration, baselineDirection ...).
bool isRawField(const std::string& name);

/// A string as a single-quoted NRQL literal.
std::string nrqlString(const std::string& s);

}  // namespace mon::newrelic
