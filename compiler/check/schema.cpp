#include "check/schema.h"

#include <algorithm>

namespace mon::schema {

Field str(const char* n, const char* doc, bool required, double maxLen) {
  Field f{n, Type::String};
  f.doc = doc;
  f.required = required;
  f.max = maxLen;
  return f;
}
Field typed(const char* n, Type t, const char* doc, bool required) {
  Field f{n, t};
  f.doc = doc;
  f.required = required;
  return f;
}
Field integer(const char* n, double lo, double hi, const char* doc, const char* dflt) {
  Field f{n, Type::Int, lo, hi};
  f.doc = doc;
  f.defaultText = dflt;
  return f;
}
Field duration(const char* n, long long unitMs, double lo, double hi, const char* doc, bool required, const char* dflt) {
  Field f{n, Type::Duration, lo, hi, unitMs};
  f.doc = doc;
  f.required = required;
  f.defaultText = dflt;
  return f;
}

namespace {

constexpr long long kMinute = 60000;
constexpr long long kDay = 86400000;

Field enumeration(const char* n, std::vector<EnumValue> v, const char* doc, const char* dflt = "") {
  Field f{n, Type::Enum};
  f.values = std::move(v);
  f.doc = doc;
  f.defaultText = dflt;
  return f;
}

// Fields every monitor takes.
std::vector<Field> common() {
  return {
      str("memo", "Why this monitor exists and what to do when it fires.", false, 2048),
      duration("notification_interval", kMinute, 10, 1e9, "Re-notify while the alert stays open (minutes, at least 10m).",
               false, "no re-notification"),
      typed("is_mute", Type::Bool, "Mute notifications from this monitor."),
      typed("raw", Type::Raw, "API keys passed through as given, for fields monitorc does not know yet."),
      typed("labels", Type::Labels, "Labels such as severity, team or runbook (kept in memo for Mackerel)."),
      typed("targets", Type::StringList, "Names of the targets this monitor is for (default: all)."),
      typed("previous_names", Type::StringList,
            "Earlier names of this monitor: plan matches them, so a rename updates the remote monitor in place."),
      typed("channels", Type::StringList,
            "Channels this monitor notifies directly, besides those its routes pick (names of channel blocks)."),
  };
}

std::vector<Field> thresholds() {
  return {
      typed("operator", Type::Operator, "Alert when the value is \">\" or \"<\" the thresholds.", true),
      typed("warning", Type::Threshold, "Warning threshold (a number or null)."),
      typed("critical", Type::Threshold, "Critical threshold (a number or null)."),
  };
}

Field maxCheckAttempts(const char* dflt) {
  return integer("max_check_attempts", 1, 10, "Consecutive failing checks before an alert (1-10).", dflt);
}

std::vector<Field> scopes(bool withExclude) {
  std::vector<Field> f = {typed("scopes", Type::Scopes, "Services or roles (\"Service:role\") to monitor.")};
  if (withExclude) f.push_back(typed("exclude_scopes", Type::Scopes, "Services or roles to leave out."));
  return f;
}

Kind monitor(const char* name, const char* what, std::vector<std::vector<Field>> parts) {
  Kind k{name, what, common()};
  for (auto& part : parts) k.fields.insert(k.fields.end(), part.begin(), part.end());
  return k;
}

std::vector<Kind> buildMonitorKinds() {
  Field hostDuration = duration("duration", kMinute, 1, 10, "Average the metric over this many minutes (1m-10m).", true);
  Field servicePoints{"duration", Type::Count, 1, 10};
  servicePoints.doc = "Average the last N points of the service metric (1-10).";
  servicePoints.required = true;
  Field missingW = duration("missing_duration_warning", kMinute, 10, 10080,
                            "Warn when no metric arrives for this long (multiple of 10m, at most 7d).");
  missingW.multipleOf = 10;
  Field missingC = missingW;
  missingC.name = "missing_duration_critical";
  missingC.doc = "Critical when no metric arrives for this long (multiple of 10m, at most 7d).";
  Field expressionBackward = duration("evaluate_backward_minutes", kMinute, 2, 10, "Delay before evaluating (2m-10m).",
                                      false, "2m");
  Field queryBackward = duration("evaluate_backward_minutes", kMinute, 0, 10, "Delay before evaluating (0m-10m).", false,
                                 "0m");
  std::vector<EnumValue> sensitivity = {{"insensitive", "insensitive"}, {"normal", "normal"}, {"sensitive", "sensitive"}};
  return {
      monitor("host", "host monitor",
              {{str("metric", "Host metric name, or cpu% memory% disk% swap% container-cpu% container-memory%.", true)},
               thresholds(),
               {hostDuration, maxCheckAttempts("1")},
               scopes(true)}),
      monitor("connectivity", "connectivity monitor",
              {{enumeration("alert_status_on_gone", {{"critical", "CRITICAL"}, {"warning", "WARNING"}},
                            "Alert level when a host stops reporting.", "critical")},
               scopes(true)}),
      monitor("service", "service monitor",
              {{str("service", "The service whose metric is watched.", true),
                str("metric", "Service metric name.", true)},
               thresholds(),
               {servicePoints, maxCheckAttempts("1"), missingW, missingC}}),
      monitor("external", "external monitor",
              {{str("url", "URL to check (http or https).", true),
                enumeration("method", {{"GET", "GET"}, {"POST", "POST"}, {"PUT", "PUT"}, {"DELETE", "DELETE"}},
                            "HTTP method.", "GET"),
                str("service", "Service that receives the response time metric (needed for response time checks)."),
                duration("response_time_warning", 1, 0, 1e9, "Warn above this response time (milliseconds)."),
                duration("response_time_critical", 1, 0, 1e9, "Critical above this response time (milliseconds)."),
                duration("response_time_duration", kMinute, 1, 10, "Average response time over this many minutes (1m-10m)."),
                str("request_body", "Body sent with the request."),
                str("contains_string", "The response body must contain this text."),
                maxCheckAttempts("1"),
                duration("certification_expiration_warning", kDay, 0, 1e9, "Warn this many days before the certificate expires."),
                duration("certification_expiration_critical", kDay, 0, 1e9,
                         "Critical this many days before the certificate expires."),
                typed("skip_certificate_verification", Type::Bool, "Do not verify the TLS certificate."),
                integer("expected_status_code", 100, 599, "Status code expected (default: any 2xx or 3xx).", "2xx/3xx"),
                typed("follow_redirect", Type::Bool, "Follow up to 3 redirects."),
                typed("headers", Type::Headers, "Request headers, name = value."),
                enumeration("dualstack", {{"ipv4", "ipv4"}, {"ipv6", "ipv6"}, {"auto", "auto"}}, "IP version to use.",
                            "ipv4")}}),
      monitor("expression", "expression monitor",
              {{str("expression", "Graph expression producing exactly one series.", true)}, thresholds(),
               {expressionBackward}}),
      monitor("anomaly_detection", "anomaly detection monitor",
              {{enumeration("warning_sensitivity", sensitivity, "Sensitivity for warnings."),
                enumeration("critical_sensitivity", sensitivity, "Sensitivity for critical alerts."),
                integer("training_period_from", 0, 4102444800.0, "Re-train the model from this time (epoch seconds)."),
                maxCheckAttempts("3")},
               {typed("scopes", Type::Scopes, "Roles (\"Service:role\") to watch.", true)}}),
      monitor("query", "query monitor",
              {{str("query", "PromQL-style query on labeled metrics.", true),
                str("legend", "Legend template, e.g. {{host.name}}.")},
               thresholds(),
               {queryBackward,
                duration("for_duration", 1000, 0, 1e9,
                         "Prometheus/Grafana: the condition must hold this long before the alert fires (seconds).",
                         false, "0s")}}),
  };
}

std::vector<Field> layoutFields() {
  return {
      integer("width", 1, 24, "Width in grid columns (the grid has 24)."),
      integer("height", 1, 80, "Height in grid rows."),
      integer("x", 0, 23, "Column of the left edge (0-23)."),
      integer("y", 0, 100000, "Row of the top edge."),
      typed("raw", Type::Raw, "API keys passed through as given."),
  };
}

Kind widget(const char* name, const char* what, std::vector<Field> fields) {
  Kind k{name, what, std::move(fields)};
  auto layout = layoutFields();
  k.fields.insert(k.fields.end(), layout.begin(), layout.end());
  return k;
}

// The filters of a Zabbix query beside `query` (the item name or pattern): read by Grafana's
// Zabbix data source (a grafana target with datasource_type = zabbix) and, `host`, by Zabbix.
std::vector<Field> zabbixQueryFields() {
  return {str("host_group", "Zabbix host group of a Zabbix query: a name, or /regex/ (default: every group)."),
          str("host", "Zabbix host of a Zabbix query: a technical name, or /regex/ (default: every host)."),
          str("item_tag", "Zabbix item tag filter of a Zabbix query: \"tag: value\" (Grafana's Zabbix data source)."),
          typed("functions", Type::StringList,
                "Grafana Zabbix data source functions in their text form: [\"groupBy(1m, avg)\", \"scale(100)\"].")};
}

std::vector<Field> withZabbixQuery(std::vector<Field> fields) {
  auto z = zabbixQueryFields();
  fields.insert(fields.end(), z.begin(), z.end());
  return fields;
}

std::vector<Kind> buildWidgetKinds() {
  Field fraction = integer("fraction_size", 0, 16, "Digits after the decimal point (0-16).", "2");
  return {
      widget("graph", "graph widget",
             withZabbixQuery({str("host_id", "Host id (host graph)."), str("role", "\"Service:role\" (role graph)."),
              str("service", "Service name (service graph)."), str("expression", "Graph expression."),
              str("query", "PromQL-style query; on Zabbix, the item name or pattern."), str("metric", "Graph name, e.g. loadavg5 or cpu."),
              str("legend", "Legend template for a query graph."),
              str("unit", "Unit of the values, as a Grafana unit id (\"s\", \"bytes\", \"percent\", \"reqps\"); Mackerel graphs have none.", false, 64),
              typed("stacked", Type::Bool, "Stack the role graph's series."),
              typed("range", Type::TimeRange, "Fixed time range: { period = 1h, offset = 0s } or { start = EPOCH, end = EPOCH }."),
              typed("value_range", Type::ValueRange, "Fixed vertical axis: { min = 0, max = 100 }."),
              typed("reference_lines", Type::RefLines, "Horizontal lines: [{ label = \"limit\", value = 4 }] (Mackerel shows at most one)."),
              typed("legend_list", Type::StringList, "Metric names to show in the legend (host and service graphs).")})),
      widget("value", "value widget",
             withZabbixQuery({str("host_id", "Host id."), str("service", "Service name."), str("expression", "Expression (one series)."),
              str("query", "PromQL-style query; on Zabbix, the item name or pattern."), str("metric", "Metric name."), str("legend", "Legend template."),
              fraction, str("suffix", "Unit shown after the value.", false, 16),
              typed("format_rules", Type::FormatRules,
                    "At most one rule: [{ name = \"bad\", threshold = 10, operator = \">\" }].")})),
      widget("markdown", "markdown widget", {str("text", "Markdown text.")}),
      widget("alert_status", "alert status widget", {str("role", "\"Service:role\" whose alerts are shown.", true)}),
  };
}

}  // namespace

const std::vector<Kind>& monitorKinds() {
  static const std::vector<Kind> kinds = buildMonitorKinds();
  return kinds;
}
const std::vector<Kind>& widgetKinds() {
  static const std::vector<Kind> kinds = buildWidgetKinds();
  return kinds;
}
namespace {
std::vector<Kind>& installedTargetKinds() {
  static std::vector<Kind> kinds;
  return kinds;
}
}  // namespace

void setTargetKinds(std::vector<Kind> kinds) { installedTargetKinds() = std::move(kinds); }
const std::vector<Kind>& targetKinds() { return installedTargetKinds(); }
const Kind& dashboardKind() {
  static const Kind k{"dashboard", "dashboard",
                      {str("url_path", "Path of the dashboard's URL, unique per organization.", true),
                       str("memo", "Description of the dashboard."),
                       typed("raw", Type::Raw, "API keys passed through as given."),
                       typed("targets", Type::StringList, "Names of the targets this dashboard is for (default: all).")}};
  return k;
}
const Kind& rowKind() {
  static const Kind k{"row", "row", {integer("height", 1, 80, "Height of the row's widgets.")}};
  return k;
}
const Kind& variableKind() {
  static const Kind k{"variable", "variable",
                      {typed("default", Type::Raw, "Value used when --var does not set it."),
                       str("description", "What the variable selects.")}};
  return k;
}
const Kind& recordKind() {
  static const Kind k{"record", "recording rule",
                      {str("expr", "PromQL expression; its result is stored as series named after the record.", true),
                       typed("labels", Type::Labels, "Labels added to (or overwriting) the labels of the result's series."),
                       typed("targets", Type::StringList,
                             "Names of the prometheus targets this recording rule is for (default: every prometheus target).")}};
  return k;
}
const Kind& alertKind() {
  static const Kind k{
      "alert", "alerting rule",
      {str("expr", "PromQL condition: the alert fires for every series it returns.", true),
       duration("for_duration", 1000, 0, 1e9, "The condition must hold this long before the alert fires (seconds).",
                false, "0s"),
       duration("keep_firing_for", 1000, 0, 1e9, "The alert keeps firing this long after the condition clears (seconds).",
                false, "0s"),
       typed("labels", Type::Labels, "Labels added to the alert (severity, team ...); Go templates are expanded."),
       typed("annotations", Type::Labels,
             "Annotations (summary, description, runbook_url ...), written as given: Go templates such as "
             "{{ $labels.instance }} are expanded by Prometheus."),
       typed("targets", Type::StringList,
             "Names of the prometheus targets this alerting rule is for (default: every prometheus target).")}};
  return k;
}
const Kind& defaultsKind() {
  static const Kind k{"defaults", "the defaults block",
                      {typed("targets", Type::StringList,
                             "Targets of every monitor, dashboard, record and alert made after this block in this file that "
                             "does not set 'targets' itself (not of imported files).")}};
  return k;
}
namespace {

// Secrets never appear in the source: a channel names the environment variable that holds each
// one (`*_env`), and the backends pass the name on (a file named after it, a variable).
Field envName(const char* n, const char* doc, bool required = false) { return str(n, doc, required, 256); }
Field sendResolved() { return typed("send_resolved", Type::Bool, "Also notify when the alert resolves."); }

std::vector<Kind> buildChannelKinds() {
  return {
      {"email", "email channel",
       {typed("to", Type::StringList, "Addresses that receive the notifications.", true),
        str("from", "Sender address."), str("smarthost", "SMTP server as host:port."),
        str("auth_username", "SMTP user name."),
        envName("auth_password_env", "Environment variable holding the SMTP password."), sendResolved()}},
      {"slack", "slack channel",
       {str("channel", "Slack channel, e.g. \"#ops\".", true),
        envName("api_url_env", "Environment variable holding the incoming webhook URL (it is a secret).", true),
        str("title", "Message title (Go template in Alertmanager)."), str("text", "Message text (Go template in Alertmanager)."),
        sendResolved()}},
      {"webhook", "webhook channel",
       {str("url", "URL the alerts are POSTed to (not a secret; put tokens in bearer_token_env).", true),
        envName("bearer_token_env", "Environment variable holding a bearer token sent with each request."),
        integer("max_alerts", 0, 1e6, "At most this many alerts per message (0: all).", "0"), sendResolved()}},
      {"pagerduty", "pagerduty channel",
       {envName("routing_key_env", "Environment variable holding the Events API v2 integration (routing) key.", true),
        str("url", "Events API URL (default: PagerDuty's own)."), sendResolved()}},
  };
}

}  // namespace

const std::vector<Kind>& channelKinds() {
  static const std::vector<Kind> kinds = buildChannelKinds();
  return kinds;
}
const Kind& routeKind() {
  static const Kind k{
      "route", "route",
      {typed("channels", Type::StringList, "Channels that the alerts this route matches go to.", true),
       typed("severity", Type::StringList, "Match alerts of these severities (critical, warning, info)."),
       typed("match", Type::Labels, "Match alerts whose labels have exactly these values."),
       typed("scopes", Type::Scopes, "Match alerts of these services or roles (\"Service\" or \"Service:role\")."),
       typed("monitors", Type::StringList, "Match the alerts of these monitors (by name)."),
       typed("continue", Type::Bool, "Keep looking at later routes after this one matched (default: stop here)."),
       typed("group_by", Type::StringList, "Labels that group alerts into one notification."),
       duration("group_wait", 1000, 0, 1e9, "Wait this long for more alerts of a new group before notifying.", false, "30s"),
       duration("group_interval", 1000, 1, 1e9, "Wait this long before notifying of alerts added to a group.", false, "5m"),
       duration("repeat_interval", 1000, 1, 1e9, "Notify again this often while alerts stay open.", false, "4h")}};
  return k;
}
const Kind& maintenanceKind() {
  static const Kind k{
      "maintenance", "maintenance window",
      {str("start", "Start: \"2026-12-24 22:00\" (one-off), or \"02:00\" with 'weekdays' (weekly).", true),
       str("end", "End, written like 'start'; a weekly window ends on the day it starts (\"24:00\" is midnight).", true),
       typed("weekdays", Type::StringList, "Repeat every week on these days (monday ... sunday, or mon ... sun)."),
       str("time_zone", "IANA time zone of start and end, e.g. \"Asia/Tokyo\".", false),
       typed("scopes", Type::Scopes, "Mute only these services or roles (default: everything)."),
       typed("monitors", Type::StringList, "Mute only these monitors (default: everything)."),
       str("memo", "Why the window exists.")}};
  return k;
}
const Kind& routeTestKind() {
  static const Kind k{"route_test", "route test",
                      {typed("labels", Type::Labels, "Labels of an alert, e.g. { severity = \"critical\", service = \"web\" }.", true),
                       typed("expect", Type::StringList, "The channels this alert must reach, in order (empty: none).", true)}};
  return k;
}
const Kind& testKind() {
  static const Kind k{
      "test", "test",
      {duration("interval", 1000, 1, 86400, "Time between two samples of the input series, and between evaluations (seconds).",
                false, "1m"),
       typed("target_systems", Type::StringList,
             "The systems whose semantics the test is evaluated with: \"mackerel\", \"prometheus\" (default: both).")}};
  return k;
}
const Kind& testInputKind() {
  static const Kind k{"input", "test input",
                      {str("values", "Samples in promtool's notation: \"1 2 3\", \"0+10x5\", \"_x3\", \"stale\".", true),
                       typed("labels", Type::Labels,
                             "Labels of the series: host (Mackerel host metrics), service (Mackerel service metrics), "
                             "any label for Prometheus.")}};
  return k;
}
const Kind& testExpectKind() {
  static const Kind k{
      "expect", "test expectation",
      {duration("at", 1000, 0, 1e9, "When the alert is looked at, from the first sample (seconds).", true),
       enumeration("severity", {{"ok", "ok"}, {"warning", "warning"}, {"critical", "critical"}},
                   "The monitor's state then: ok (no alert), warning or critical.", "critical"),
       typed("labels", Type::Labels,
             "Labels of the alert: host for Mackerel; for Prometheus the series' labels (the monitor's own are added)."),
       typed("annotations", Type::Labels, "Prometheus: the alert's annotations as rendered (default: the monitor's own)."),
       str("message",
           "Mackerel: the alert's text as Mackerel renders it, e.g. \"loadavg5 12.00 > 8.00\" (docs/testing.md).")}};
  return k;
}
const std::vector<std::string>& topLevelBlocks() {
  static const std::vector<std::string> names = {"monitor", "dashboard", "target", "variable", "record", "alert", "defaults",
                                                 "channel", "route", "maintenance", "route_test", "test"};
  return names;
}

namespace {

// `name` == `spelled`, read no further than their first difference: the tables' names are C
// strings, and measuring each one as it is passed over was 2 % of a large build.
bool sameName(std::string_view name, const char* spelled) {
  size_t i = 0;
  for (; i < name.size(); ++i)
    if (spelled[i] == '\0' || spelled[i] != name[i]) return false;
  return spelled[i] == '\0';
}

}  // namespace

const Kind* findKind(const std::vector<Kind>& kinds, std::string_view name) {
  for (const auto& k : kinds)
    if (sameName(name, k.name)) return &k;
  return nullptr;
}

const Field* findField(const Kind& kind, std::string_view name) {
  for (const auto& f : kind.fields)
    if (sameName(name, f.name)) return &f;
  return nullptr;
}

std::vector<std::string> fieldNames(const Kind& kind) {
  std::vector<std::string> out;
  for (const auto& f : kind.fields) out.push_back(f.name);
  return out;
}

std::vector<std::string> kindNames(const std::vector<Kind>& kinds) {
  std::vector<std::string> out;
  for (const auto& k : kinds) out.push_back(k.name);
  return out;
}

const char* unitName(const Field& f) {
  switch (f.unitMs) {
    case 1: return "milliseconds";
    case 1000: return "seconds";
    case 60000: return "minutes";
    case 86400000: return "days";
    default: return "units";
  }
}

std::string describeType(const Field& f) {
  auto unit = [&]() -> std::string { return unitName(f); };
  switch (f.type) {
    case Type::String: return "a string";
    case Type::Bool: return "a boolean";
    case Type::Int: return "a whole number";
    case Type::Threshold: return "a number or null";
    case Type::Number: return "a number";
    case Type::Duration: return "a duration (" + unit() + ")";
    case Type::Count: return "a whole number";
    case Type::Enum: {
      std::string s = "one of";
      for (const auto& v : f.values) s += std::string(" ") + v.word;
      return s;
    }
    case Type::Operator: return "\">\" or \"<\"";
    case Type::StringList: return "a list of strings";
    case Type::Scopes: return "a list of \"Service\" or \"Service:role\"";
    case Type::Headers: return "a map of header names to values";
    case Type::Labels: return "a map of label names to strings";
    case Type::Raw: return "a map";
    case Type::TimeRange: return "a map { period, offset } or { start, end }";
    case Type::ValueRange: return "a map { min, max }";
    case Type::RefLines: return "a list of { label, value }";
    case Type::FormatRules: return "a list of { name, threshold, operator }";
  }
  return "a value";
}

bool isEnumWord(std::string_view word) {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> all;
    for (const auto* kinds : {&monitorKinds(), &widgetKinds(), &targetKinds()})
      for (const auto& k : *kinds)
        for (const auto& f : k.fields)
          for (const auto& v : f.values) all.push_back(v.word);
    for (const auto& f : testExpectKind().fields)
      for (const auto& v : f.values) all.push_back(v.word);
    return all;
  }();
  for (const auto& w : words)
    if (w.size() == word.size() && std::equal(w.begin(), w.end(), word.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return true;
  return false;
}

bool isComparativeMetric(std::string_view m) {
  static const char* names[] = {"cpu%", "memory%", "disk%", "swap%", "container-cpu%", "container-memory%"};
  return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return m == n; });
}

}  // namespace mon::schema
