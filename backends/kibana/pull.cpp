#include "kibana/pull.h"

#include <map>

#include "kibana/import.h"
#include "kibana/rule_remote.h"
#include "kibana/rules.h"
#include "mackerel/import_writer.h"
#include "ownership.h"
#include "support/text.h"

namespace mon::kibana {

namespace {

std::string lit(const Json& v) { return mackerel::flatLiteral(mackerel::jsonLiteral(mackerel::ImportJson::parse(v.dump()))); }

struct Part {
  std::string severity;
  Json rule;  // canonical (normalize)
};

// "NAME (critical)" -> NAME and critical; a name without the suffix is a critical rule of its own.
std::pair<std::string, std::string> split(const std::string& name) {
  for (const char* sev : {"critical", "warning"}) {
    std::string suffix = std::string(" (") + sev + ")";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return {name.substr(0, name.size() - suffix.size()), sev};
  }
  return {name, "critical"};
}

std::string memoOf(const Json& rule) {
  for (const auto& a : rule.value("actions", Json::array())) {
    std::string msg = a.value("params", Json::object()).value("message", "");
    if (size_t at = msg.find("\n\n"); at != std::string::npos) return msg.substr(at + 2);
  }
  return "";
}

}  // namespace

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s, std::vector<std::string>& warnings) {
  std::map<std::string, std::vector<Part>> groups;
  std::vector<std::string> order;
  for (const auto& r : state.monitors) {
    if (ownedOnly && !engine::hasOwnerMarker(r.body.value("memo", ""))) continue;
    Json rule = normalize(engine::ObjKind::Monitor, r.body)["rule"];
    if (rule.value("rule_type_id", "") != kRuleType) {
      warnings.push_back("rule '" + rule.value("name", "") + "': skipped: type " + rule.value("rule_type_id", "") +
                         " is not an Elasticsearch query rule");
      continue;
    }
    auto [name, severity] = split(rule.value("name", ""));
    if (name == rule.value("name", ""))
      warnings.push_back("rule '" + name + "': its name has no ' (critical)' or ' (warning)'; the source's monitor writes it as '" +
                         ruleName(name, severity) + "'");
    if (!groups.count(name)) order.push_back(name);
    groups[name].push_back({severity, rule});
  }
  std::string out;
  for (const auto& name : order) {
    const auto& parts = groups[name];
    const Json& first = parts.front().rule;
    const Json& p = first["params"];
    std::string block;
    auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
    std::string query;
    if (p.value("searchType", "") == "searchSource")
      query = p.value("searchConfiguration", Json::object()).value("query", Json::object()).value("query", "");
    else
      query = Json::parse(p.value("esQuery", "{}"), nullptr, false).dump();
    field("query", quoteSource(query));
    std::string cmp = p.value("thresholdComparator", ">");
    Json raw = Json::object();
    if (cmp == ">" || cmp == "<") field("operator", quoteSource(cmp));
    else field("operator", "\">\""), raw["thresholdComparator"] = cmp;
    for (const auto& part : parts) {
      const Json& th = part.rule["params"].value("threshold", Json::array());
      if (th.size() == 1) field(part.severity, th[0].dump());
      else warnings.push_back("rule '" + part.rule.value("name", "") + "': a threshold of two numbers is kept only in raw");
    }
    // What differs from the mapping's defaults and the target's settings.
    Json defaults = {{"size", 100}, {"excludeHitsFromPreviousRun", true}, {"aggType", "count"}, {"groupBy", "all"}};
    for (auto it = defaults.begin(); it != defaults.end(); ++it)
      if (p.contains(it.key()) && p[it.key()] != it.value()) raw[it.key()] = p[it.key()];
    for (const char* k : {"aggField", "termField", "termSize", "sourceFields"})
      if (p.contains(k)) raw[k] = p[k];
    std::string window = intervalOf(s.windowSeconds);
    if (std::to_string(p.value("timeWindowSize", 0LL)) + p.value("timeWindowUnit", "") != window)
      raw["timeWindowSize"] = p.value("timeWindowSize", Json()), raw["timeWindowUnit"] = p.value("timeWindowUnit", Json());
    if (p.value("searchType", "") == "esQuery") {
      if (p.value("index", Json::array()) != Json(s.index)) raw["index"] = p["index"];
      if (p.value("timeField", "") != s.timeField) raw["timeField"] = p["timeField"];
    } else {
      const Json& config = p.value("searchConfiguration", Json::object());
      if (config.value("index", "") != s.dataView)
        warnings.push_back("rule '" + name + "': its data view is not the target's data_view; the pulled source gives it the target's");
      // What the search source says beside its query and data view (filters, a KQL query's
      // other settings): raw searchConfiguration, which build merges with the query.
      Json extra = Json::object();
      for (auto it = config.begin(); config.is_object() && it != config.end(); ++it)
        if (it.key() != "index" && it.key() != "query") extra[it.key()] = it.value();
      if (!extra.empty()) raw["searchConfiguration"] = extra;
    }
    if (first["schedule"].value("interval", "") != intervalOf(s.everySeconds)) raw["schedule"] = first["schedule"];
    std::string labels;
    for (const auto& t : first.value("tags", Json::array())) {
      std::string tag = t.is_string() ? t.get<std::string>() : "";
      if (tag == kOwnerTag || tag.rfind(kSeverityTagPrefix, 0) == 0 || tag.empty()) continue;
      size_t colon = tag.find(':');
      std::string k = tag.substr(0, colon), v = colon == std::string::npos ? "" : tag.substr(colon + 1);
      labels += (labels.empty() ? "" : ", ") + mackerel::keyLiteral(k) + " = " + quoteSource(v);
    }
    if (!labels.empty()) field("labels", std::string("{ ") + labels + std::string(" }"));
    // Actions other than what the target's connectors and the memo write: kept in raw (one
    // list for both rules of the monitor).
    std::string memo = memoOf(first);
    std::string message = "{{rule.name}}: {{context.message}}" + (memo.empty() ? "" : "\n\n" + memo);
    for (const auto& part : parts) {
      Json expected = Json::array();
      for (const auto& id : part.severity == "warning" ? s.warningConnectors : s.criticalConnectors)
        expected.push_back({{"group", kActionGroup}, {"id", id}, {"params", {{"message", message}}},
                            {"frequency", {{"summary", false}, {"notify_when", "onActionGroupChange"}, {"throttle", nullptr}}}});
      Json want = normalize(engine::ObjKind::Monitor, {{"rule", {{"actions", expected}}}})["rule"]["actions"];
      if (part.rule["actions"] == want) continue;
      if (!raw.contains("actions")) raw["actions"] = part.rule["actions"];
      else if (raw["actions"] != part.rule["actions"])
        warnings.push_back("rule '" + part.rule.value("name", "") + "': its actions differ from its monitor's other rule; the source gives it the other's");
    }
    if (!raw.empty()) field("raw", lit(raw));
    if (!memo.empty()) field("memo", quoteSource(memo));
    field("targets", "[" + quoteSource(s.name) + "]");
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on the chained +.
    out += "monitor query ";
    out += quoteSource(name);
    out += " {\n";
    out += block;
    out += "}\n\n";
  }
  std::vector<Json> objects;
  for (const auto& d : state.dashboards) {
    if (ownedOnly && !engine::hasOwnerMarker(d.body.value("memo", ""))) continue;
    for (const auto& o : d.body.value("objects", Json::array())) objects.push_back(o);
  }
  out += dashboardsSource(objects, s, warnings);
  return out;
}

}  // namespace mon::kibana
