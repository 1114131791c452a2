#include "cloudwatch/pull.h"

#include <map>
#include <regex>

#include "cloudwatch/alarm_remote.h"
#include "cloudwatch/mapping.h"
#include "mackerel/import_writer.h"
#include "ownership.h"
#include "prometheus/mon_source.h"

namespace mon::cloudwatch {

namespace {

using Json = ir::Json;

std::string lit(const Json& v) { return mackerel::flatLiteral(mackerel::jsonLiteral(mackerel::ImportJson::parse(v.dump()))); }

const std::pair<const char*, const char*> kHostMetrics[] = {
    {"cpu_usage_active", "cpu%"}, {"mem_used_percent", "memory%"}, {"disk_used_percent", "disk%"}, {"swap_used_percent", "swap%"}};

struct Part {
  std::string severity;
  Json alarm;  // canonical (normalize)
};

// A monitor: the alarms tagged with its name, critical and warning.
struct Group {
  std::string name;
  std::vector<Part> parts;
  Json tags;
};

}  // namespace

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s, std::vector<std::string>& warnings) {
  std::map<std::string, Group> groups;
  std::vector<std::string> order;
  for (const auto& r : state.monitors) {
    bool owned = engine::hasOwnerMarker(r.body.value("memo", ""));
    if (ownedOnly && !owned) continue;
    Json a = normalize(engine::ObjKind::Monitor, r.body)["alarm"];
    Json tags = a["Tags"];
    std::string monitor = tags.value(kMonitorTag, ""), severity = tags.value(kSeverityTag, "critical");
    if (!owned || monitor.empty()) monitor = r.id, severity = "critical";
    if (severity != "critical" && severity != "warning") severity = "critical";
    if (!groups.count(monitor)) order.push_back(monitor);
    Group& g = groups[monitor];
    g.name = monitor;
    g.parts.push_back({severity, a});
    g.tags = tags;
  }
  static const std::regex agentQuery(R"(SELECT AVG\(("?)([^"()]+)\1\) FROM ("?)([^"]+)\3 GROUP BY host(, path)? ORDER BY AVG\(\) (DESC|ASC) LIMIT 1)");
  std::string out;
  for (const auto& name : order) {
    Group& g = groups[name];
    const Json& first = g.parts.front().alarm;
    std::string op = first.value("ComparisonOperator", "") == "LessThanThreshold" ? "<" : ">";
    if (first.value("ComparisonOperator", "") != "GreaterThanThreshold" && op != "<") {
      warnings.push_back("alarm '" + name + "': skipped: comparison " + first.value("ComparisonOperator", "") + " has no operator in the language");
      continue;
    }
    std::string block;
    auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
    Json raw = Json::object();
    std::string kind = "query";
    long long evals = first.value("EvaluationPeriods", 1LL), points = first.value("DatapointsToAlarm", evals);
    std::smatch m;
    std::string expr;
    const Json metrics = first.value("Metrics", Json::array());
    if (metrics.size() == 1 && metrics[0].contains("Expression")) expr = metrics[0].value("Expression", "");
    if (!expr.empty() && std::regex_match(expr, m, agentQuery) && m[4].str() == s.agentNamespace && evals == points &&
        metrics[0].value("Period", 0LL) % 60 == 0 && (m[6].str() == "ASC") == (op == "<")) {
      kind = "host";
      std::string metric = m[2].str();
      for (const auto& [cw, mon] : kHostMetrics)
        if (metric == cw) metric = mon;
      field("metric", quoteSource(metric));
      field("operator", quoteSource(op));
      for (const auto& p : g.parts) field(p.severity, formatNumber(p.alarm.value("Threshold", 0.0)));
      field("duration", std::to_string(metrics[0].value("Period", 60LL) / 60) + "m");
      if (evals > 1) field("max_check_attempts", std::to_string(evals));
    } else if (first.contains("MetricName")) {
      field("query", quoteSource(first.value("MetricName", "")));
      field("operator", quoteSource(op));
      for (const auto& p : g.parts) field(p.severity, formatNumber(p.alarm.value("Threshold", 0.0)));
      raw["Namespace"] = first["Namespace"];
      if (!first.value("Dimensions", Json::array()).empty()) raw["Dimensions"] = first["Dimensions"];
      for (const char* k : {"Statistic", "ExtendedStatistic", "Unit"})
        if (first.contains(k) && !(k == std::string("Statistic") && first[k] == "Average")) raw[k] = first[k];
      if (first.value("Period", 60LL) != 60) raw["Period"] = first["Period"];
      if (evals != 1 || points != 1) raw["EvaluationPeriods"] = evals, raw["DatapointsToAlarm"] = points;
    } else {
      Json q;
      Json rest = Json::array();
      for (const auto& x : metrics) {
        if (x.value("ReturnData", true) && q.is_null() && x.contains("Expression")) q = x;
        else rest.push_back(x);
      }
      if (q.is_null()) {
        warnings.push_back("alarm '" + name + "': skipped: no expression returns its series");
        continue;
      }
      field("query", quoteSource(q.value("Expression", "")));
      if (q.contains("Label")) field("legend", quoteSource(q.value("Label", "")));
      field("operator", quoteSource(op));
      for (const auto& p : g.parts) field(p.severity, formatNumber(p.alarm.value("Threshold", 0.0)));
      long long period = q.value("Period", 60LL);
      if (evals == points && evals >= 1) {
        if (evals > 1) field("for_duration", source::duration((evals - 1) * period));
      } else {
        raw["EvaluationPeriods"] = evals, raw["DatapointsToAlarm"] = points;
      }
      if (period != 60) raw["Period"] = period;
      if (q.value("Id", "") != "q1") warnings.push_back("alarm '" + name + "': the expression's id '" + q.value("Id", "") + "' comes back as q1");
      if (!rest.empty()) raw["Metrics"] = rest;
    }
    if (first.value("TreatMissingData", "missing") != "missing") raw["TreatMissingData"] = first["TreatMissingData"];
    if (first.value("EvaluateLowSampleCountPercentile", "") != "") raw["EvaluateLowSampleCountPercentile"] = first["EvaluateLowSampleCountPercentile"];
    for (const char* k : {"OKActions", "InsufficientDataActions"})
      if (!first.value(k, Json::array()).empty()) raw[k] = first[k];
    for (const auto& p : g.parts) {
      const auto& want = p.severity == "critical" ? s.criticalActions : s.warningActions;
      if (p.alarm.value("AlarmActions", Json::array()) != Json(want)) {
        warnings.push_back("alarm '" + name + " (" + p.severity + ")': its actions are not the target's " + p.severity +
                           "_actions; the pulled source gives it the target's");
      }
    }
    if (!first.value("ActionsEnabled", true)) field("is_mute", "true");
    std::string labels;
    for (auto it = g.tags.begin(); it != g.tags.end(); ++it)
      if (it.key() != kOwnerTag && it.key() != kMonitorTag && it.key() != kSeverityTag)
        labels += (labels.empty() ? "" : ", ") + mackerel::keyLiteral(it.key()) + " = " + quoteSource(it.value().get<std::string>());
    if (!labels.empty()) field("labels", "{ " + labels + " }");
    if (!raw.empty()) field("raw", lit(raw));
    if (!first.value("AlarmDescription", "").empty()) field("memo", quoteSource(first.value("AlarmDescription", "")));
    field("targets", "[" + quoteSource(s.name) + "]");
    out += "monitor " + kind + " " + quoteSource(name) + " {\n" + block + "}\n\n";
  }
  return out;
}

}  // namespace mon::cloudwatch
