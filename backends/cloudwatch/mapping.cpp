#include "cloudwatch/mapping.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "support/text.h"

namespace mon::cloudwatch {

namespace {

// PutMetricAlarm's parameters (botocore's cloudwatch 2010-08-01 model).
const char* const kParams[] = {"AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
                               "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic",
                               "Dimensions", "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
                               "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics",
                               "Tags", "ThresholdMetricId"};

// PutCompositeAlarm's parameters.
const char* const kCompositeParams[] = {"AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
                                        "InsufficientDataActions", "AlarmRule", "Tags", "ActionsSuppressor",
                                        "ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"};

struct HostMetric {
  const char* metric;
  const char* cwagent;  // the CloudWatch agent's metric name (namespace CWAgent by default)
  const char* groupBy;  // one series per host (per file system for disk%)
};
// The agent's Linux metrics for what Mackerel's agent reports under these names (the agent's
// config must collect them: cpu usage_active, mem used_percent, disk used_percent, swap
// used_percent). disk% takes the fullest file system of any host, as Mackerel does.
const HostMetric kHostMetrics[] = {
    {"cpu%", "cpu_usage_active", "host"},
    {"memory%", "mem_used_percent", "host"},
    {"disk%", "disk_used_percent", "host, path"},
    {"swap%", "swap_used_percent", "host"},
};

// A name Metrics Insights reads without double quotes.
bool plainName(const std::string& s) {
  return !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}
std::string insightsName(const std::string& s) {
  if (plainName(s)) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\\\"") : std::string(1, c);
  return q + "\"";
}

Json num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return static_cast<long long>(v);
  return v;
}

std::string checkLabels(const ir::Monitor& m) {
  for (const auto& [k, v] : m.labels) {
    if (k.empty() || k.size() > 128 || v.size() > 256) return "label '" + k + "': a tag key has 1 to 128 characters, a value at most 256";
    if (k.rfind("aws:", 0) == 0 || k == kOwnerTag || k == kMonitorTag || k == kSeverityTag) return "label '" + k + "' is a reserved tag key";
  }
  return "";
}

struct Builder {
  const ir::Monitor& m;
  const TargetSettings& s;
  Translation out;

  void drop(const char* field, const std::string& why) {
    if (m.props.has(field)) out.dropped.push_back({field, why});
  }

  Json tags(const std::string& severity) const {
    Json t = Json::array({{{"Key", kOwnerTag}, {"Value", kOwnerValue}},
                          {{"Key", kMonitorTag}, {"Value", m.name}},
                          {{"Key", kSeverityTag}, {"Value", severity}}});
    for (const auto& [k, v] : m.labels) t.push_back({{"Key", k}, {"Value", v}});
    return t;
  }

  // One alarm per set threshold on the series `base` describes (metric or Metrics).
  void thresholds(const Json& base) {
    std::string op = m.props.str("operator", ">");
    for (const char* severity : {"critical", "warning"}) {
      const ir::Prop* p = m.props.find(severity);
      if (!p || !p->value.is_number()) continue;
      Json a = Json::object();
      std::string name = alarmName(m.name, severity);
      a["AlarmName"] = name;
      if (std::string memo = m.props.str("memo"); !memo.empty()) a["AlarmDescription"] = memo;
      if (m.props.has("is_mute") && m.props.find("is_mute")->value == Json(true)) a["ActionsEnabled"] = false;
      const auto& actions = std::string(severity) == "critical" ? s.criticalActions : s.warningActions;
      if (!actions.empty()) a["AlarmActions"] = actions;
      for (auto it = base.begin(); it != base.end(); ++it) a[it.key()] = it.value();
      a["Threshold"] = num(p->value.get<double>());
      a["ComparisonOperator"] = op == "<" ? "LessThanThreshold" : "GreaterThanThreshold";
      // CloudWatch's own settings, as given (the Metrics list is merged into `base`).
      for (auto it = m.raw.begin(); it != m.raw.end(); ++it)
        if (it.key() != "Metrics" && it.key() != "AlarmType" && !(it.key() == "Period" && base.contains("Metrics")))
          a[it.key()] = it.value();
      a["Tags"] = tags(severity);
      out.alarms.push_back({a["AlarmName"].get<std::string>(), std::move(a)});
    }
  }
};

}  // namespace

bool isCompositeParameter(const std::string& name) {
  return std::any_of(std::begin(kCompositeParams), std::end(kCompositeParams), [&](const char* p) { return name == p; });
}

namespace {

// A query monitor with raw.AlarmType = "CompositeAlarm": its query is the AlarmRule. The rule
// counts as 1 while it holds, so the one threshold is `> 0` (critical or warning: which
// actions run).
Translation composite(const ir::Monitor& m, const TargetSettings& s) {
  Builder b{m, s, {}};
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it)
    if (it.key() != "AlarmType" && (!isCompositeParameter(it.key()) || it.key() == "AlarmRule" || it.key() == "Tags"))
      return (b.out.whyNot = "raw key '" + it.key() + "' is not a PutCompositeAlarm parameter monitorc leaves to raw (the query is the AlarmRule)", b.out);
  const ir::Prop* crit = m.props.find("critical");
  const ir::Prop* warn = m.props.find("warning");
  bool hasCrit = crit && crit->value.is_number(), hasWarn = warn && warn->value.is_number();
  if (hasCrit == hasWarn)
    return (b.out.whyNot = "a composite alarm is in ALARM or not: set one of 'critical' or 'warning' (to 0, with operator '>')", b.out);
  const ir::Prop* t = hasCrit ? crit : warn;
  double v = t->value.get<double>();
  if (m.props.str("operator", ">") != ">" || v < 0 || v >= 1)
    return (b.out.whyNot = "a composite alarm's rule counts as 1 while it holds: write operator '>' and a threshold of 0", b.out);
  std::string severity = hasCrit ? "critical" : "warning";
  Json a = Json::object();
  a["AlarmName"] = alarmName(m.name, severity);
  if (std::string memo = m.props.str("memo"); !memo.empty()) a["AlarmDescription"] = memo;
  if (m.props.has("is_mute") && m.props.find("is_mute")->value == Json(true)) a["ActionsEnabled"] = false;
  const auto& actions = hasCrit ? s.criticalActions : s.warningActions;
  if (!actions.empty()) a["AlarmActions"] = actions;
  a["AlarmRule"] = m.props.str("query");
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it)
    if (it.key() != "AlarmType") a[it.key()] = it.value();
  a["Tags"] = b.tags(severity);
  const char* why = "a composite alarm follows the states of the alarms in its rule";
  for (const char* f : {"for_duration", "evaluate_backward_minutes", "legend"}) b.drop(f, why);
  b.drop("notification_interval", "a CloudWatch alarm runs its actions once per state change");
  b.out.alarms.push_back({a["AlarmName"].get<std::string>(), std::move(a)});
  return b.out;
}

}  // namespace

std::string checkComposite(const Json& p) {
  auto str = [&](const char* k) { return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string(); };
  std::string name = str("AlarmName");
  if (name.empty() || name.size() > 255) return "an alarm name has 1 to 255 characters ('" + name + "')";
  if (str("AlarmDescription").size() > 1024) return "the memo is longer than an alarm description's 1024 characters";
  std::string rule = str("AlarmRule");
  if (rule.empty() || rule.size() > 10240) return "a composite alarm's rule (the query) has 1 to 10240 characters";
  for (const char* k : {"OKActions", "AlarmActions", "InsufficientDataActions"})
    if (p.contains(k) && (!p[k].is_array() || p[k].size() > 5)) return std::string(k) + ": at most 5 actions";
  bool suppressor = p.contains("ActionsSuppressor");
  for (const char* k : {"ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"}) {
    if (p.contains(k) && !p[k].is_number_integer()) return std::string(k) + " is a whole number of seconds";
    if (p.contains(k) != suppressor) return std::string(k) + " goes with ActionsSuppressor, and ActionsSuppressor needs it";
  }
  return "";
}

bool isAlarmParameter(const std::string& name) {
  return std::any_of(std::begin(kParams), std::end(kParams), [&](const char* p) { return name == p; });
}

std::string alarmName(const std::string& monitor, const std::string& severity) { return monitor + " (" + severity + ")"; }

Translation translate(const ir::Monitor& m, const TargetSettings& s) {
  if (m.kind == ir::MonitorKind::Query && m.raw.contains("AlarmType")) {
    if (m.raw["AlarmType"] != kCompositeAlarmType) {
      Translation t;
      t.whyNot = "raw key 'AlarmType' is \"CompositeAlarm\" or not given";
      return t;
    }
    Translation t = composite(m, s);
    if (t.whyNot.empty()) t.whyNot = checkLabels(m);
    if (t.whyNot.empty())
      for (const auto& a : t.alarms)
        if (std::string why = checkComposite(a.params); !why.empty()) t.whyNot = why;
    if (!t.whyNot.empty()) t.alarms.clear();
    return t;
  }
  Builder b{m, s, {}};
  b.drop("notification_interval", "a CloudWatch alarm runs its actions once per state change");
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it) {
    if (!isAlarmParameter(it.key()))
      return (b.out.whyNot = "raw key '" + it.key() + "' is not a PutMetricAlarm parameter", b.out);
    if (it.key() == "Tags") return (b.out.whyNot = "raw key 'Tags' is monitorc's to write (the labels say it)", b.out);
    // An alarm's own name (one made outside monitorc, imported or pulled): one alarm only.
    if (it.key() == "AlarmName" && (!it.value().is_string() || (m.props.num("critical", NAN) == m.props.num("critical", 0) &&
                                                                        m.props.num("warning", NAN) == m.props.num("warning", 0))))
      return (b.out.whyNot = "raw key 'AlarmName' names the one alarm of a monitor with one threshold", b.out);
    if (it.key() == "Metrics" && !it.value().is_array())
      return (b.out.whyNot = "raw key 'Metrics' must be a list of metric data queries", b.out);
  }
  if (m.name.empty()) return (b.out.whyNot = "a CloudWatch alarm needs a name", b.out);
  Json base = Json::object();
  switch (m.kind) {
    case ir::MonitorKind::Host: {
      std::string metric = m.props.str("metric"), cw;
      const char* groupBy = "host";
      for (const auto& x : kHostMetrics)
        if (metric == x.metric) cw = x.cwagent, groupBy = x.groupBy;
      if (metric.rfind("container-", 0) == 0) return (b.out.whyNot = "container metrics exist only in Mackerel", b.out);
      if (metric.rfind("loadavg", 0) == 0)
        return (b.out.whyNot = "the CloudWatch agent reports no load average (write a query monitor on a metric it has)", b.out);
      if (cw.empty()) {
        if (metric.empty() || metric.size() > 255 || metric.find('%') != std::string::npos)
          return (b.out.whyNot = "host metric '" + metric + "' is not a CloudWatch metric name", b.out);
        cw = metric;  // a custom metric the agent publishes (statsd, collectd, procstat ...)
      }
      // The host with the highest (for '<': lowest) average over `duration`: Mackerel alerts
      // when any one host crosses the threshold.
      double minutes = std::max(1.0, m.props.num("duration", 1));
      std::string order = m.props.str("operator", ">") == "<" ? "ASC" : "DESC";
      std::string q = "SELECT AVG(" + insightsName(cw) + ") FROM " + insightsName(s.agentNamespace) + " GROUP BY " + groupBy +
                      " ORDER BY AVG() " + order + " LIMIT 1";
      long long attempts = static_cast<long long>(std::max(1.0, m.props.num("max_check_attempts", 1)));
      base["Metrics"] = Json::array({{{"Id", "q1"}, {"Expression", q}, {"Period", num(std::round(minutes) * 60)}, {"ReturnData", true}}});
      base["EvaluationPeriods"] = attempts;
      base["DatapointsToAlarm"] = attempts;
      std::string why = "the agent's metrics carry no Mackerel service or role: the alarm watches every host reporting to " +
                        s.agentNamespace;
      b.drop("scopes", why);
      b.drop("exclude_scopes", why);
      break;
    }
    case ir::MonitorKind::Query: {
      std::string query = m.props.str("query");
      if (m.raw.contains("Namespace")) {
        // CloudWatch's own single-metric form: the query is the metric's name.
        base["MetricName"] = query;
        if (!m.raw.contains("Statistic") && !m.raw.contains("ExtendedStatistic")) base["Statistic"] = "Average";
        if (!m.raw.contains("Period")) base["Period"] = 60;
        if (m.props.has("legend")) b.out.dropped.push_back({"legend", "a single-metric alarm has no label"});
      } else {
        // A metric math or Metrics Insights expression, the alarm's one series; the metrics it
        // reads (m1, m2 ...) are raw's Metrics.
        // raw.Metrics may hold the returned query itself (its Expression is the query and it
        // says ReturnData: true): an alarm's own ids and order, kept as imported or pulled.
        auto returned = [&](const Json& e) {
          return e.is_object() && e.value("Expression", Json()) == Json(query) && e.value("ReturnData", Json()) == Json(true);
        };
        const Json extras = m.raw.value("Metrics", Json::array());
        Json metrics = Json::array();
        if (std::none_of(extras.begin(), extras.end(), returned)) {
          Json q = {{"Id", "q1"}, {"Expression", query}};
          if (std::string legend = m.props.str("legend"); !legend.empty()) q["Label"] = legend;
          q["Period"] = m.raw.contains("Period") ? m.raw["Period"] : Json(60);
          q["ReturnData"] = true;
          metrics.push_back(q);
        } else if (m.props.has("legend")) {
          b.out.dropped.push_back({"legend", "the query's own entry in raw.Metrics has its Label"});
        }
        for (const auto& extra : extras) {
          Json e = extra;
          if (e.is_object() && !e.contains("ReturnData")) e["ReturnData"] = false;
          metrics.push_back(e);
        }
        base["Metrics"] = metrics;
      }
      double period = m.raw.contains("Period") && m.raw["Period"].is_number() ? m.raw["Period"].get<double>() : 60;
      long long n = 1 + static_cast<long long>(std::ceil(m.props.num("for_duration", 0) / std::max(1.0, period)));
      base["EvaluationPeriods"] = n;
      base["DatapointsToAlarm"] = n;
      b.drop("evaluate_backward_minutes", "the alarm evaluates each period as it closes");
      break;
    }
    case ir::MonitorKind::External:
      b.out.whyNot = "CloudWatch checks URLs through Route 53 health checks or Synthetics canaries, which monitorc does not "
                     "create (write a query monitor on AWS/Route53 HealthCheckStatus or CloudWatchSynthetics SuccessPercent)";
      return b.out;
    case ir::MonitorKind::Connectivity:
      b.out.whyNot = "CloudWatch has no per-host liveness for agent hosts (write a query monitor on AWS/EC2 StatusCheckFailed)";
      return b.out;
    case ir::MonitorKind::Service:
      b.out.whyNot = "service metrics exist only in Mackerel (write a query monitor on the metric in CloudWatch)";
      return b.out;
    case ir::MonitorKind::Expression:
      b.out.whyNot = "expression monitors read Mackerel graph expressions (write a query monitor with a metric math expression)";
      return b.out;
    case ir::MonitorKind::AnomalyDetection:
      b.out.whyNot = "Mackerel's anomaly detection has no CloudWatch counterpart monitorc writes";
      return b.out;
  }
  b.thresholds(base);
  if (b.out.alarms.empty()) return (b.out.whyNot = "it sets neither 'warning' nor 'critical', so there is no alarm to write", b.out);
  if (std::string why = checkLabels(m); !why.empty()) return (b.out.alarms.clear(), b.out.whyNot = why, b.out);
  for (const auto& a : b.out.alarms)
    if (std::string why = checkAlarm(a.params); !why.empty()) return (b.out.alarms.clear(), b.out.whyNot = why, b.out);
  return b.out;
}

std::string checkAlarm(const Json& p) {
  auto str = [&](const char* k) { return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string(); };
  auto integer = [&](const char* k, long long dflt) {
    return p.contains(k) && p[k].is_number() ? static_cast<long long>(p[k].get<double>()) : dflt;
  };
  std::string name = str("AlarmName");
  if (name.empty() || name.size() > 255) return "an alarm name has 1 to 255 characters ('" + name + "')";
  if (str("AlarmDescription").size() > 1024) return "the memo is longer than an alarm description's 1024 characters";
  for (const char* k : {"OKActions", "AlarmActions", "InsufficientDataActions"})
    if (p.contains(k) && (!p[k].is_array() || p[k].size() > 5)) return std::string(k) + ": at most 5 actions";
  for (const char* k : {"Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold"})
    if (p.contains(k) && !p[k].is_number()) return std::string(k) + " must be a number";
  long long n = integer("EvaluationPeriods", 0), m = integer("DatapointsToAlarm", n);
  if (n < 1) return "EvaluationPeriods must be at least 1";
  if (m < 1 || m > n) return "DatapointsToAlarm must be between 1 and EvaluationPeriods";
  bool single = p.contains("MetricName"), math = p.contains("Metrics");
  if (single == math) return "an alarm reads either one metric (MetricName) or a Metrics list, not both or neither";
  auto periodOk = [](long long s) { return s == 10 || s == 30 || (s > 0 && s % 60 == 0); };
  long long period = 0;
  if (single) {
    if (str("Namespace").empty()) return "a single-metric alarm needs a Namespace";
    if (p.contains("Statistic") == p.contains("ExtendedStatistic")) return "give either Statistic or ExtendedStatistic";
    period = integer("Period", 0);
    if (!periodOk(period)) return "Period must be 10, 30 or a multiple of 60 seconds";
  } else {
    for (const char* k : {"Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit"})
      if (p.contains(k)) return std::string(k) + " belongs to a single-metric alarm, not to one on a Metrics list";
    int returned = 0;
    std::set<std::string> ids;
    for (const auto& q : p["Metrics"]) {
      if (!q.is_object()) return "each of Metrics is a metric data query {Id, Expression or MetricStat ...}";
      std::string id = q.value("Id", "");
      if (id.empty() || !std::islower(static_cast<unsigned char>(id[0])) || !ids.insert(id).second)
        return "each metric data query needs its own Id starting with a lower-case letter ('" + id + "')";
      if (q.contains("Expression") == q.contains("MetricStat")) return "metric data query '" + id + "' needs either Expression or MetricStat";
      if (q.contains("Expression") && (!q["Expression"].is_string() || q["Expression"].get<std::string>().empty() ||
                                       q["Expression"].get<std::string>().size() > 2048))
        return "the expression of '" + id + "' has 1 to 2048 characters";
      if (q.value("ReturnData", true) == true) {
        ++returned;
        long long qp = q.contains("Period") && q["Period"].is_number() ? static_cast<long long>(q["Period"].get<double>())
                                                                        : q.contains("MetricStat") ? static_cast<long long>(q["MetricStat"].value("Period", 0.0)) : 0;
        if (!periodOk(qp)) return "Period must be 10, 30 or a multiple of 60 seconds";
        period = qp;
      }
    }
    if (returned != 1) return "exactly one metric data query returns data (ReturnData), the one the alarm watches";
  }
  if (period >= 60 && period * n > 7 * 86400) return "EvaluationPeriods times Period may be at most 7 days";
  if (!p.contains("Threshold") && !p.contains("ThresholdMetricId")) return "an alarm needs a Threshold";
  return "";
}

}  // namespace mon::cloudwatch
