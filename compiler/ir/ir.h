#pragma once
// The backend-neutral IR: monitors, dashboards, native Prometheus rules and targets with every value resolved, checked
// and converted to its field's unit (see compiler/check/schema.cpp). Source ranges are kept so
// backends and the plan can point back at the source. Backends see only this, never the AST.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "source/source_manager.h"
#include "support/series_notation.h"

namespace mon::ir {

using Json = nlohmann::ordered_json;

/// A name with the program's lifetime for `name`: fields are many and their names few, so a
/// field's name is a view (16 bytes, nothing allocated) rather than a string of its own.
std::string_view internName(std::string_view name);

/// One field: its DSL name (the schema's own spelling, or internName()'s), its value in the
/// schema's unit (minutes, ms, days ...), where set.
struct Prop {
  std::string_view name;
  Json value;
  Range range;
};

/// Where a template made an object: the `use` statements that expanded it, innermost first,
/// with their templates' names (empty when the object is written where it stands). The object's
/// own range is then inside the innermost template's body.
struct MadeBy {
  std::vector<Range> useSites;
  std::vector<std::string> templates;
};

/// Fields in source order with lookup helpers.
struct Props {
  std::vector<Prop> list;
  const Prop* find(std::string_view name) const {
    for (const auto& p : list)
      if (p.name == name) return &p;
    return nullptr;
  }
  bool has(std::string_view name) const { return find(name) != nullptr; }
  /// Bytes of the fields' string values: what sizes a backend's estimate of its output.
  size_t stringBytes() const {
    size_t n = 0;
    for (const auto& p : list)
      if (p.value.is_string()) n += p.value.get_ref<const std::string&>().size();
    return n;
  }
  std::string str(std::string_view name, const std::string& dflt = "") const {
    const Prop* p = find(name);
    return p && p->value.is_string() ? p->value.get<std::string>() : dflt;
  }
  double num(std::string_view name, double dflt = 0) const {
    const Prop* p = find(name);
    return p && p->value.is_number() ? p->value.get<double>() : dflt;
  }
  /// Where the field is written, else `dflt` (the object's own range or name): what a
  /// diagnostic about the field points at. A field set without a place (by an importer) counts
  /// as not written.
  Range rangeOf(std::string_view name, Range dflt) const {
    const Prop* p = find(name);
    return p && p->range.valid() ? p->range : dflt;
  }
  void set(std::string_view name, Json v, Range r) {
    for (auto& p : list)
      if (p.name == name) {
        p.value = std::move(v);
        p.range = r;
        return;
      }
    list.push_back(Prop{internName(name), std::move(v), r});
  }
};

/// A `for` step that made an object: where the loop variable is, and the note naming its value
/// ("in the 'for' step where role = "web""), so findings about the object can say which step.
struct LoopStep {
  Range at;
  std::string note;
};

enum class MonitorKind { Host, Connectivity, Service, External, Expression, AnomalyDetection, Query };

struct Monitor {
  MonitorKind kind;
  std::string name;
  Range range;      // the whole block
  Range nameRange;  // the name label (or the kind label for unnamed connectivity monitors)
  Props props;
  Json raw = Json::object();                    // passthrough keys, sent as given
  std::map<std::string, std::string> labels;    // severity, team, runbook ... (ordered)
  std::vector<std::string> targets;             // restricts the monitor to these targets; empty = all
  std::vector<Range> targetRanges;              // where each of `targets` is written
  std::vector<LoopStep> loopSteps;              // innermost first; empty outside loops
  MadeBy madeBy;
  std::vector<std::string> channels;            // channels notified directly (`channels`)
  std::vector<Range> channelRanges;             // where each of `channels` is written
};

struct Layout {
  int x = 0, y = 0, width = 0, height = 0;
};

enum class WidgetKind { Graph, Value, Markdown, AlertStatus };

struct Widget {
  WidgetKind kind;
  std::string title;
  Range range;
  Props props;
  Layout layout;
  Json raw = Json::object();
};

struct Dashboard {
  std::string title;
  std::string urlPath;
  std::string memo;
  Range range;
  std::vector<Widget> widgets;
  Json raw = Json::object();
  std::vector<std::string> targets;
  std::vector<Range> targetRanges;  // where each of `targets` is written
  std::vector<LoopStep> loopSteps;
  MadeBy madeBy;
};

struct Target {
  std::string kind;  // mackerel, local, prometheus, grafana
  std::string name;
  Range range;
  Props props;
};

/// A Prometheus rule written natively: `record "name" { expr = ... }` (a recording rule) or
/// `alert "Name" { expr = ... }` (an alerting rule on any PromQL condition). Only prometheus
/// targets take them. Module::rules keeps both in source order, which is their order in the
/// group. A recording rule's identity is (name, labels): a name may repeat with other labels.
struct Rule {
  enum class Type { Record, Alert };
  Type type = Type::Record;
  std::string name;                           // the metric recorded, or the alert's name
  std::string expr;                           // PromQL, as written
  Range range;                                // the whole block
  Range nameRange;                            // the name label
  Props props;
  std::map<std::string, std::string> labels;  // record: added to the result; alert: Go templates kept
  // Alerts only (their `for_duration` and `keep_firing_for` are in props, in seconds): the
  // annotations, written as given so their Go templates ({{ $labels.instance }}) keep working.
  std::map<std::string, std::string> annotations;
  std::vector<std::string> targets;           // restricts the rule to these targets; empty = all
  std::vector<Range> targetRanges;            // where each of `targets` is written
  std::vector<LoopStep> loopSteps;
  bool isAlert() const { return type == Type::Alert; }
  const char* what() const { return isAlert() ? "alerting rule" : "recording rule"; }
};

// --- who gets paged (docs/language.md, "Routing") ---

/// `channel KIND "name" { ... }`: a place notifications go. Secrets are only ever the names of
/// environment variables (the `*_env` props); their values never enter the IR.
struct Channel {
  std::string kind;  // email, slack, webhook, pagerduty
  std::string name;
  Range range;
  Range nameRange;
  Props props;
};

/// `route "name" { ... }`: the alerts it matches (every condition written must hold; a list
/// holds when any of its items does) go to `channels`. Routes are tried in source order; the
/// first that matches ends the search unless it says `continue`.
struct Route {
  std::string name;
  Range range;
  Range nameRange;
  Props props;  // group_wait, group_interval, repeat_interval in seconds
  std::vector<std::string> channels;
  std::vector<Range> channelRanges;
  std::vector<std::string> severities;        // empty: any
  std::map<std::string, std::string> match;   // label = value, all must hold
  std::vector<std::string> scopes;            // "Service" or "Service:role" (no blank); empty: any
  std::vector<std::string> monitors;          // monitor names; empty: any
  std::vector<std::string> groupBy;
  bool continues = false;
};

/// A civil date and time as written, in the window's time zone.
struct LocalTime {
  int year = 0, month = 0, day = 0;  // 0 in a weekly window
  int minute = 0;                    // of the day, 0..1440
};

/// `maintenance "name" { ... }`: alerts in scope are muted during the window: once from `start`
/// to `end`, or every week on `weekdays` (0 = sunday) between the two times of day.
struct Maintenance {
  std::string name;
  Range range;
  Range nameRange;
  Props props;
  bool weekly = false;
  std::vector<int> weekdays;
  LocalTime start, end;
  std::string timeZone = "UTC";
  std::vector<std::string> scopes;    // "Service" or "Service:role"; empty: every alert
  std::vector<std::string> monitors;  // monitor names; empty: every alert
};

/// `route_test "name" { labels = {...} expect = [...] }`: the channels an alert with these
/// labels reaches, in order; backends that can (Alertmanager) check it against the real router.
struct RouteTest {
  std::string name;
  Range range;
  Range nameRange;
  std::map<std::string, std::string> labels;
  std::vector<std::string> expect;
  std::vector<Range> expectRanges;
};

/// One input series of a test: its name (a host or service metric name for Mackerel, a metric
/// name for Prometheus), labels, and samples one `interval` apart from time 0.
struct TestInput {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string values;  // as written, in promtool's notation (support/series_notation.h)
  std::vector<SeriesSample> samples;
  Range range;
  Range valuesRange;
};

/// An expected state of one monitor (or alert block) at one time.
struct TestExpect {
  std::string monitor;  // the monitor's name, or an alert block's name
  long long atSeconds = 0;
  std::string severity;  // ok, warning, critical
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  bool annotationsGiven = false;
  std::string message;  // Mackerel: the alert's text (docs/testing.md)
  bool messageGiven = false;
  Range range;
  Range nameRange;
  Range atRange;
  Range messageRange;
};

/// `test "name" { ... }`: series in, expected alerts out (docs/testing.md).
struct Test {
  std::string name;
  Range range;
  Range nameRange;
  long long intervalSeconds = 60;
  std::vector<std::string> systems;  // empty: every system with an evaluator
  std::vector<TestInput> inputs;
  std::vector<TestExpect> expects;
};

struct Module {
  std::vector<Monitor> monitors;
  std::vector<Dashboard> dashboards;
  std::vector<Target> targets;
  std::vector<Rule> rules;  // native Prometheus rules (record and alert blocks), in source order
  std::vector<Channel> channels;
  std::vector<Route> routes;  // in source order, which is the order they are tried
  std::vector<Maintenance> maintenances;
  std::vector<RouteTest> routeTests;
  std::vector<Test> tests;  // unit tests of the rules, for `monitorc test`
};

const char* kindName(MonitorKind k);   // DSL spelling: "host", "anomaly_detection"
const char* kindName(WidgetKind k);    // "graph", "alert_status"

/// The IR as JSON, for `monitorc build --emit ir` and tests.
Json toJson(const Module& m, const SourceManager& sm);

}  // namespace mon::ir
