#pragma once
// One monitor as Kibana alerting rules of type Elasticsearch query, as the create rule API
// (`POST /api/alerting/rule`) takes them. Build writes them, plan compares them, apply sends
// them (rule_remote.cpp).
#include <string>
#include <vector>

#include "ir/ir.h"
#include "kibana/kibana.h"

namespace mon::kibana {

using Json = ir::Json;

/// The tag on every rule monitorc writes: a rule without it is never changed or deleted.
inline constexpr const char* kOwnerTag = "managed-by:monitorc";
/// Tag prefix saying which threshold of its monitor a rule checks.
inline constexpr const char* kSeverityTagPrefix = "monitorc-severity:";
/// The Elasticsearch query rule type, and the action group it runs actions in.
inline constexpr const char* kRuleType = ".es-query";
inline constexpr const char* kActionGroup = "query matched";
/// The feature that owns the rules (Stack Management > Rules).
inline constexpr const char* kConsumer = "stackAlerts";

struct Dropped {
  std::string field;
  std::string why;
};

/// One rule: `name` is its name (the key plan matches by), `body` the create API's body.
struct Rule {
  std::string name;
  Json body;
};

/// A monitor on a target: its rules (critical first), or `whyNot` when the target cannot
/// express it, and the fields it drops.
struct Translation {
  std::vector<Rule> rules;
  std::string whyNot;
  std::vector<Dropped> dropped;
};

Translation translate(const ir::Monitor& m, const TargetSettings& s);

/// The rule name of a monitor's threshold: "NAME (critical)", "NAME (warning)".
std::string ruleName(const std::string& monitor, const std::string& severity);

/// "" when `body` is a create rule body Kibana takes for an Elasticsearch query rule, else why
/// not (the API's and the rule type's validation: required params, sizes, units, comparators,
/// schedule interval, action groups).
std::string checkRule(const Json& body);

/// "1m", "30s", "2h", "1d": Kibana's interval spelling of a whole number of seconds.
std::string intervalOf(long long seconds);

}  // namespace mon::kibana
