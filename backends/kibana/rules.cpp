#include "kibana/rules.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>

namespace mon::kibana {

namespace {

// The Elasticsearch query rule's params that `raw` may set (Kibana's es-query params schema);
// threshold, esQuery, searchType and the KQL query come from the monitor itself.
const char* const kRawParams[] = {"index", "timeField", "size", "timeWindowSize", "timeWindowUnit",
                                  "excludeHitsFromPreviousRun", "aggType", "aggField", "groupBy", "termField",
                                  "termSize", "searchConfiguration", "sourceFields", "thresholdComparator"};
// Rule-level settings `raw` may set beside them.
const char* const kRawRule[] = {"schedule", "actions"};
const char* const kComparators[] = {">", ">=", "<", "<=", "between", "notBetween"};

bool oneOf(const std::string& s, const char* const* begin, const char* const* end) {
  return std::any_of(begin, end, [&](const char* p) { return s == p; });
}

Json num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return static_cast<long long>(v);
  return v;
}

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The largest of d, h, m, s that divides `seconds`: the window as Kibana's size and unit.
std::pair<long long, const char*> sizeAndUnit(long long seconds) {
  if (seconds > 0 && seconds % 86400 == 0) return {seconds / 86400, "d"};
  if (seconds > 0 && seconds % 3600 == 0) return {seconds / 3600, "h"};
  if (seconds > 0 && seconds % 60 == 0) return {seconds / 60, "m"};
  return {seconds, "s"};
}

struct Builder {
  const ir::Monitor& m;
  const TargetSettings& s;
  Translation out;

  void drop(const char* field, const std::string& why) {
    if (m.props.has(field)) out.dropped.push_back({field, why});
  }

  // The query: Elasticsearch query DSL when it is a JSON object, KQL otherwise.
  bool queryParams(Json& params) {
    std::string q = trimmed(m.props.str("query"));
    if (q.empty()) return (out.whyNot = "a log monitor needs a query (KQL, or Elasticsearch query DSL as a JSON object)", false);
    if (q.front() == '{') {
      Json dsl = Json::parse(q, nullptr, false);
      if (dsl.is_discarded() || !dsl.is_object())
        return (out.whyNot = "the query starts with '{' but is not a JSON object (Elasticsearch query DSL)", false);
      // Kibana runs only the DSL's query (and fields, _source, runtime_mappings): a bare query
      // clause ({"match": ...}) is taken as that query.
      if (!dsl.contains("query")) dsl = Json{{"query", dsl}};
      params["searchType"] = "esQuery";
      params["esQuery"] = dsl.dump();
      if (!s.index.empty()) params["index"] = s.index;
      params["timeField"] = s.timeField;
      return true;
    }
    // KQL reads a data view (its indices and time field are the data view's).
    params["searchType"] = "searchSource";
    Json config = {{"query", {{"query", q}, {"language", "kuery"}}}};
    if (!s.dataView.empty()) config["index"] = s.dataView;
    params["searchConfiguration"] = config;
    return true;
  }

  Json tags(const std::string& severity) const {
    Json t = Json::array({kOwnerTag, std::string(kSeverityTagPrefix) + severity});
    for (const auto& [k, v] : m.labels) t.push_back(v.empty() ? k : k + ":" + v);
    return t;
  }

  Json actions(const std::string& severity) const {
    const auto& ids = severity == "critical" ? s.criticalConnectors : s.warningConnectors;
    std::string message = "{{rule.name}}: {{context.message}}";
    if (std::string memo = m.props.str("memo"); !memo.empty()) message += "\n\n" + memo;
    Json list = Json::array();
    for (const auto& id : ids)
      list.push_back({{"group", kActionGroup},
                      {"id", id},
                      {"params", {{"message", message}}},
                      {"frequency", {{"summary", false}, {"notify_when", "onActionGroupChange"}, {"throttle", nullptr}}}});
    return list;
  }

  void rules(const Json& base) {
    std::string op = m.props.str("operator", ">");
    for (const char* severity : {"critical", "warning"}) {
      const ir::Prop* p = m.props.find(severity);
      if (!p || !p->value.is_number()) continue;
      std::string name = ruleName(m.name, severity);
      Json params = base;
      params["threshold"] = Json::array({num(p->value.get<double>())});
      params["thresholdComparator"] = op;
      Json body = {{"name", name},
                   {"rule_type_id", kRuleType},
                   {"consumer", kConsumer},
                   {"enabled", true},
                   {"schedule", {{"interval", intervalOf(s.everySeconds)}}},
                   {"tags", tags(severity)},
                   {"actions", actions(severity)}};
      for (auto it = m.raw.begin(); it != m.raw.end(); ++it) {
        if (oneOf(it.key(), std::begin(kRawRule), std::end(kRawRule))) body[it.key()] = it.value();
        // The data view (or a filter) beside the query the monitor says: merged, not replaced.
        else if (it.key() == "searchConfiguration" && it.value().is_object() && params.contains(it.key()))
          params[it.key()].update(it.value());
        else params[it.key()] = it.value();
      }
      body["params"] = params;
      out.rules.push_back({name, std::move(body)});
    }
  }
};

}  // namespace

std::string intervalOf(long long seconds) {
  auto [n, unit] = sizeAndUnit(seconds);
  return std::to_string(n) + unit;
}

std::string ruleName(const std::string& monitor, const std::string& severity) { return monitor + " (" + severity + ")"; }

Translation translate(const ir::Monitor& m, const TargetSettings& s) {
  Builder b{m, s, {}};
  switch (m.kind) {
    case ir::MonitorKind::Query:
      break;
    case ir::MonitorKind::Host:
      b.out.whyNot = "Kibana alerts on logs: host metrics are Mackerel's, Zabbix's or CloudWatch's (restrict the monitor with targets)";
      return b.out;
    case ir::MonitorKind::External:
      b.out.whyNot = "Kibana's Elasticsearch query rules count log documents; URL checks are Elastic Synthetics monitors, which monitorc does not write";
      return b.out;
    case ir::MonitorKind::Connectivity:
      b.out.whyNot = "Kibana has no per-host liveness rule monitorc writes (a log monitor on the agent's heartbeat documents with '<' says the same)";
      return b.out;
    case ir::MonitorKind::Service:
    case ir::MonitorKind::Expression:
    case ir::MonitorKind::AnomalyDetection:
      b.out.whyNot = std::string(ir::kindName(m.kind)) + " monitors read Mackerel's metrics; Kibana alerts on log documents";
      return b.out;
  }
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it) {
    const std::string& k = it.key();
    if (k == "threshold" || k == "esQuery" || k == "searchType" || k == "esqlQuery")
      return (b.out.whyNot = "raw key '" + k + "' is monitorc's to write (the query and the thresholds say it)", b.out);
    if (!oneOf(k, std::begin(kRawParams), std::end(kRawParams)) && !oneOf(k, std::begin(kRawRule), std::end(kRawRule)))
      return (b.out.whyNot = "raw key '" + k + "' is not a parameter of an Elasticsearch query rule", b.out);
  }
  if (m.name.empty()) return (b.out.whyNot = "a Kibana rule needs a name", b.out);
  b.drop("notification_interval", "a rule's actions run when its action group changes; set raw actions' frequency to repeat them");
  b.drop("legend", "an Elasticsearch query rule counts documents and has no series to label");
  b.drop("evaluate_backward_minutes", "each run counts the documents of the time window that ends at the run");
  b.drop("for_duration", "an Elasticsearch query rule fires on the run that crosses the threshold");
  b.drop("is_mute", "monitorc writes rules enabled; mute them in Kibana");
  Json params = Json::object();
  auto [size, unit] = sizeAndUnit(s.windowSeconds);
  params["timeWindowSize"] = size;
  params["timeWindowUnit"] = unit;
  params["size"] = 100;
  params["excludeHitsFromPreviousRun"] = true;
  params["aggType"] = "count";
  params["groupBy"] = "all";
  if (!b.queryParams(params)) return b.out;
  b.rules(params);
  if (b.out.rules.empty()) return (b.out.whyNot = "it sets neither 'warning' nor 'critical', so there is no rule to write", b.out);
  for (const auto& [k, v] : m.labels)
    if (k == "managed-by" || k == "monitorc-severity")
      return (b.out.rules.clear(), b.out.whyNot = "label '" + k + "' is a tag monitorc writes itself", b.out);
  for (const auto& r : b.out.rules)
    if (std::string why = checkRule(r.body); !why.empty()) return (b.out.rules.clear(), b.out.whyNot = why, b.out);
  return b.out;
}

std::string checkRule(const Json& body) {
  auto isInt = [](const Json& v) { return v.is_number() && std::floor(v.get<double>()) == v.get<double>(); };
  if (!body.is_object()) return "a rule is a JSON object";
  std::string name = body.value("name", "");
  if (name.empty()) return "a rule needs a name";
  const Json& sched = body.value("schedule", Json::object());
  static const std::regex interval("^[1-9][0-9]*[smhd]$");
  if (!sched.is_object() || !sched.contains("interval") || !sched["interval"].is_string() ||
      !std::regex_match(sched["interval"].get<std::string>(), interval))
    return "schedule interval must be a whole number of seconds, minutes, hours or days (\"1m\")";
  if (!body.contains("tags") || !body["tags"].is_array()) return "tags must be a list of strings";
  for (const auto& t : body["tags"])
    if (!t.is_string()) return "tags must be a list of strings";
  if (body.contains("actions")) {
    if (!body["actions"].is_array()) return "actions must be a list";
    for (const auto& a : body["actions"]) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_string() || a["id"].get<std::string>().empty())
        return "each action needs the id of a connector";
      std::string group = a.value("group", "");
      if (group != kActionGroup && group != "recovered")
        return "action group '" + group + "' is not one of an Elasticsearch query rule ('query matched', 'recovered')";
      if (!a.contains("params") || !a["params"].is_object()) return "each action needs params (an object)";
    }
  }
  const Json& p = body.value("params", Json::object());
  if (!p.is_object()) return "params must be an object";
  if (!p.contains("size") || !isInt(p["size"]) || p["size"].get<double>() < 0 || p["size"].get<double>() > 10000)
    return "size must be a whole number from 0 to 10000";
  if (!p.contains("timeWindowSize") || !isInt(p["timeWindowSize"]) || p["timeWindowSize"].get<double>() < 1)
    return "timeWindowSize must be a whole number of at least 1";
  std::string unit = p.value("timeWindowUnit", "");
  if (unit != "s" && unit != "m" && unit != "h" && unit != "d") return "timeWindowUnit must be one of s, m, h, d";
  std::string cmp = p.value("thresholdComparator", "");
  if (!oneOf(cmp, std::begin(kComparators), std::end(kComparators)))
    return "thresholdComparator '" + cmp + "' is not one of >, >=, <, <=, between, notBetween";
  const Json& th = p.value("threshold", Json());
  size_t want = cmp == "between" || cmp == "notBetween" ? 2 : 1;
  if (!th.is_array() || th.size() != want || !std::all_of(th.begin(), th.end(), [](const Json& v) { return v.is_number(); }))
    return "threshold must be " + std::string(want == 2 ? "two numbers for " : "one number for ") + "'" + cmp + "'";
  std::string agg = p.value("aggType", "count");
  if (agg != "count" && agg != "avg" && agg != "min" && agg != "max" && agg != "sum")
    return "aggType '" + agg + "' is not one of count, avg, min, max, sum";
  if (agg != "count" && p.value("aggField", "").empty()) return "aggType '" + agg + "' needs an aggField";
  std::string group = p.value("groupBy", "all");
  if (group != "all" && group != "top") return "groupBy must be 'all' or 'top'";
  if (group == "top" && (p.value("termField", Json()).is_null() || !p.contains("termSize")))
    return "groupBy 'top' needs termField and termSize";
  if (p.contains("excludeHitsFromPreviousRun") && !p["excludeHitsFromPreviousRun"].is_boolean())
    return "excludeHitsFromPreviousRun must be true or false";
  std::string type = p.value("searchType", "esQuery");
  if (type == "esQuery") {
    const Json& index = p.value("index", Json());
    if (!index.is_array() || index.empty() ||
        !std::all_of(index.begin(), index.end(), [](const Json& v) { return v.is_string() && !v.get<std::string>().empty(); }))
      return "an Elasticsearch DSL query reads at least one index (set the target's index, or raw index)";
    if (p.value("timeField", "").empty()) return "an Elasticsearch DSL query needs a timeField";
    Json dsl = Json::parse(p.value("esQuery", ""), nullptr, false);
    if (dsl.is_discarded() || !dsl.is_object() || !dsl.contains("query")) return "esQuery must be a JSON object with a query";
    if (p.contains("searchConfiguration")) return "searchConfiguration belongs to a KQL query, not to Elasticsearch query DSL";
  } else if (type == "searchSource") {
    const Json& c = p.value("searchConfiguration", Json());
    if (!c.is_object() || !c.contains("index") || !c["index"].is_string() || c["index"].get<std::string>().empty())
      return "a KQL query reads a data view: set the target's data_view (or write the query as Elasticsearch query DSL, a JSON object)";
    for (const char* k : {"esQuery", "index", "timeField"})
      if (p.contains(k)) return std::string(k) + " belongs to Elasticsearch query DSL; a KQL query reads its data view's indices";
  } else {
    return "searchType '" + type + "' is not one monitorc writes (esQuery, searchSource)";
  }
  return "";
}

}  // namespace mon::kibana
