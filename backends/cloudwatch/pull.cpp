#include "cloudwatch/pull.h"

#include <map>
#include <regex>

#include "cloudwatch/alarm_remote.h"
#include "cloudwatch/dashboard_source.h"
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

// The alarm actions: the target's for its severity (a pull: another list is a warning), or as
// they are in raw (an import has no target).
void actions(const std::vector<Part>& parts, const std::string& name, const TargetSettings& s, Json& raw, std::vector<std::string>& warnings) {
  for (const auto& p : parts) {
    Json have = p.alarm.value("AlarmActions", Json::array());
    if (s.name.empty()) {
      if (!have.empty()) raw["AlarmActions"] = have;
      continue;
    }
    const auto& want = p.severity == "critical" ? s.criticalActions : s.warningActions;
    if (have != Json(want))
      warnings.push_back("alarm '" + name + " (" + p.severity + ")': its actions are not the target's " + p.severity +
                         "_actions; the pulled source gives it the target's");
  }
}

// labels, raw, memo and targets: the end of every monitor block.
std::string common(const Json& first, const Json& raw, const Json& tags, const TargetSettings& s) {
  std::string block;
  auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
  std::string labels;
  for (auto it = tags.begin(); it != tags.end(); ++it)
    if (it.key() != kOwnerTag && it.key() != kMonitorTag && it.key() != kSeverityTag)
      labels += (labels.empty() ? "" : ", ") + mackerel::keyLiteral(it.key()) + " = " + quoteSource(it.value().get<std::string>());
  if (!labels.empty()) field("labels", "{ " + labels + " }");
  if (!raw.empty()) field("raw", lit(raw));
  if (!first.value("AlarmDescription", "").empty()) field("memo", quoteSource(first.value("AlarmDescription", "")));
  if (!s.name.empty()) field("targets", "[" + quoteSource(s.name) + "]");
  return block;
}

// A composite alarm as the query monitor that makes it (mapping.cpp): the rule as query, `> 0`.
std::string compositeSource(const std::string& name, const std::string& severity, const Json& a, Json raw, const TargetSettings& s,
                            const Json& tags, std::vector<std::string>& warnings) {
  std::string block = "  query = " + quoteSource(a.value("AlarmRule", "")) + "\n  operator = \">\"\n  " + severity + " = 0\n";
  Json r = {{"AlarmType", kCompositeAlarmType}};
  for (auto it = raw.begin(); it != raw.end(); ++it) r[it.key()] = it.value();
  for (const char* k : {"OKActions", "InsufficientDataActions"})
    if (!a.value(k, Json::array()).empty()) r[k] = a[k];
  for (const char* k : {"ActionsSuppressor", "ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"})
    if (a.contains(k)) r[k] = a[k];
  actions({{severity, a}}, name, s, r, warnings);
  if (!a.value("ActionsEnabled", true)) block += "  is_mute = true\n";
  return "monitor query " + quoteSource(name) + " {\n" + block + common(a, r, tags, s) + "}\n\n";
}

}  // namespace

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s, std::vector<std::string>& warnings) {
  std::map<std::string, Group> groups;
  std::vector<std::string> order;
  const bool importing = s.name.empty();
  for (const auto& r : state.monitors) {
    bool owned = engine::hasOwnerMarker(r.body.value("memo", ""));
    if (ownedOnly && !owned) continue;
    Json a = normalize(engine::ObjKind::Monitor, r.body)["alarm"];
    Json tags = a["Tags"];
    std::string monitor = tags.value(kMonitorTag, ""), severity = tags.value(kSeverityTag, "critical");
    if (!owned || monitor.empty()) {
      // Not monitorc's: "NAME (critical)" and "NAME (warning)" are one monitor's, any other
      // name is a monitor that keeps it (raw.AlarmName), so a plan of the source adopts it.
      monitor = r.id, severity = "critical";
      for (const char* sev : {"critical", "warning"}) {
        std::string suffix = std::string(" (") + sev + ")";
        if (r.id.size() > suffix.size() && r.id.compare(r.id.size() - suffix.size(), suffix.size(), suffix) == 0)
          monitor = r.id.substr(0, r.id.size() - suffix.size()), severity = sev;
      }
    }
    if (severity != "critical" && severity != "warning") severity = "critical";
    if (groups.count(monitor)) {
      bool taken = false;
      for (const auto& p : groups[monitor].parts) taken |= p.severity == severity;
      if (taken || a.contains("AlarmRule") || groups[monitor].parts.front().alarm.contains("AlarmRule")) monitor = r.id;
    }
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
    std::string block;
    auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
    Json raw = Json::object();
    // The alarm's own name when the monitor's would be another.
    if (g.parts.size() == 1 && first.value("AlarmName", "") != alarmName(name, g.parts.front().severity))
      raw["AlarmName"] = first.value("AlarmName", "");
    if (first.contains("AlarmRule")) {
      out += compositeSource(g.name, g.parts.front().severity, first, raw, s, g.tags, warnings);
      continue;
    }
    std::string cmp = first.value("ComparisonOperator", "");
    std::string op = cmp == "LessThanThreshold" || cmp == "LessThanOrEqualToThreshold" ? "<" : ">";
    if (cmp != "GreaterThanThreshold" && cmp != "LessThanThreshold") {
      // >= and <= keep their comparison in raw; the anomaly band's have no threshold to write.
      if (cmp != "GreaterThanOrEqualToThreshold" && cmp != "LessThanOrEqualToThreshold") {
        warnings.push_back("alarm '" + name + "': skipped: comparison " + cmp + " has no operator in the language");
        continue;
      }
      raw["ComparisonOperator"] = cmp;
    }
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
      if (q.value("Id", "") != "q1") {
        // Its own ids: every query in raw.Metrics as it is, the returned one included.
        field("operator", quoteSource(op));
        for (const auto& p : g.parts) field(p.severity, formatNumber(p.alarm.value("Threshold", 0.0)));
        raw["EvaluationPeriods"] = evals, raw["DatapointsToAlarm"] = points;
        raw["Metrics"] = metrics;
      } else {
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
      if (!rest.empty()) raw["Metrics"] = rest;
      }
    }
    if (first.value("TreatMissingData", "missing") != "missing") raw["TreatMissingData"] = first["TreatMissingData"];
    if (first.value("EvaluateLowSampleCountPercentile", "") != "") raw["EvaluateLowSampleCountPercentile"] = first["EvaluateLowSampleCountPercentile"];
    for (const char* k : {"OKActions", "InsufficientDataActions"})
      if (!first.value(k, Json::array()).empty()) raw[k] = first[k];
    actions(g.parts, name, s, raw, warnings);
    if (!first.value("ActionsEnabled", true)) field("is_mute", "true");
    out += "monitor " + kind + " " + quoteSource(name) + " {\n" + block + common(first, raw, g.tags, s) + "}\n\n";
  }
  if (!importing)
    for (const auto& d : state.dashboards) {
      if (ownedOnly && !engine::hasOwnerMarker(d.body.value("memo", ""))) continue;
      std::string src = dashboardSource(d.id, d.body.value("dashboard", Json()), s.name, warnings);
      if (!src.empty()) out += src + "\n";
    }
  return out;
}

}  // namespace mon::cloudwatch
