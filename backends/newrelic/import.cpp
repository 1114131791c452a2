// Import reads the same shapes plan reads from NerdGraph (condition_remote.cpp,
// dashboard_remote.cpp) and writes them as pull does (pull.cpp, dashboard_source.cpp), so an
// imported source plans no change against the objects it came from.
#include "newrelic/import.h"

#include <algorithm>

#include "newrelic/condition_remote.h"
#include "newrelic/dashboard_source.h"
#include "newrelic/nerdgraph.h"
#include "newrelic/pull.h"
#include "ownership.h"
#include "prometheus/mon_source.h"
#include "support/text.h"

namespace mon::newrelic {

namespace {

using Json = ir::Json;
constexpr const char* kTarget = "newrelic";

std::string declaration(int64_t account) {
  if (account < 1) return "# Declare the target: target newrelic \"newrelic\" { account_id = ... }\n";
  return "target newrelic \"newrelic\" { account_id = " + std::to_string(account) + " }\n";
}

bool conditions(const Json& list, int64_t account, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  engine::RemoteState state;
  for (const auto& c : list) {
    if (!c.is_object() || !c.contains("nrql") || !c.contains("terms"))
      return (error = "an NRQL condition needs at least name, nrql { query } and terms", false);
    Json input = conditionInput(c);
    std::string type = c.value("type", Json("STATIC")).is_string() ? c.value("type", "STATIC") : "STATIC";
    if (type != "STATIC" && type != "BASELINE") {
      warnings.push_back("condition '" + input.value("name", "") + "': skipped: " + type + " conditions are not written by monitorc");
      continue;
    }
    if (type == "BASELINE" && !c.contains("baselineDirection"))
      return (error = "condition '" + input.value("name", "") + "' is BASELINE without baselineDirection (query it with '... on AlertsNrqlBaselineCondition { baselineDirection }')", false);
    Json body = {{"name", input.value("name", "")}, {"type", "nrql"}, {"conditionType", type}, {"condition", input}};
    std::string id = c.contains("id") ? (c["id"].is_string() ? c["id"].get<std::string>() : c["id"].dump()) : "";
    state.monitors.push_back({engine::ObjKind::Monitor, id, std::move(body)});
  }
  TargetSettings s;
  s.name = kTarget;
  s.accountId = account;
  source = "# Imported from New Relic NRQL conditions by monitorc.\n" + declaration(account) + "\n" +
           pullSource(state, false, s, warnings);
  return true;
}

}  // namespace

bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // "LINE:COL: ..." at the byte the parser stopped at (the command prints FILE:LINE:COL).
    size_t at = std::min(e.byte > 0 ? e.byte - 1 : 0, text.size()), line = 1, col = 1;
    for (size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') ++line, col = 1;
      else ++col;
    }
    return (error = std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON", false);
  }
  // Copies and writes below recurse per level: a file nested deeper than source can say is
  // refused before anything walks it.
  if (source::depth(doc) > source::kMaxValueDepth) return (error = "nested deeper than .mon source takes", false);
  try {
    const Json* root = &doc;
    if (const Json* data = at(doc, {"data"})) root = data;
    if (const Json* entity = at(*root, {"actor", "entity"})) root = entity;
    if (root->is_object() && root->contains("pages")) {
      std::string block;
      int64_t account = dashboardAccount(*root);
      if (!dashboardSource(*root, kTarget, 0, block, warnings))
        return (error = "dashboard '" + root->value("name", "") + "' cannot be written as one dashboard block (see the warnings)", false);
      source = "# Imported from a New Relic dashboard by monitorc.\n" + declaration(account) + "\n" + block;
      return true;
    }
    int64_t account = 0;
    if (const Json* id = at(*root, {"actor", "account", "id"}); id && id->is_number_integer()) account = id->get<int64_t>();
    const Json* list = nullptr;
    if (root->is_array()) list = root;
    else if (const Json* found = at(*root, {"actor", "account", "alerts", "nrqlConditionsSearch", "nrqlConditions"})) list = found;
    else if (const Json* inner = at(*root, {"nrqlConditions"})) list = inner;
    if (!list || !list->is_array())
      return (error = "not a New Relic dashboard export (an object with 'pages') nor an nrqlConditionsSearch answer", false);
    return conditions(*list, account, source, warnings, error);
  } catch (const nlohmann::json::exception& e) {  // a field of an unexpected type
    return (error = std::string("unexpected shape: ") + e.what(), false);
  }
}

}  // namespace mon::newrelic
