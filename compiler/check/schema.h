#pragma once
// Schema tables: which fields each block kind takes, their types, units, ranges and docs.
// The checker, the lowering, the importer and the language server all read these tables.
#include <string>
#include <vector>

namespace mon::schema {

enum class Type {
  String,     // text; max = longest length in characters (0: no limit)
  Bool,
  Int,        // whole number in [min, max]
  Threshold,  // number or null
  Number,     // any number in [min, max]
  Duration,   // duration converted to `unitMs` units (a plain number is already in that unit)
  Count,      // plain whole number that is not time (service monitor points)
  Enum,       // a bare word or string from `values`
  Operator,   // ">" or "<"
  StringList,
  Scopes,     // list of "Service" / "Service:role", emitted as "Service: role"
  Headers,    // map name -> value
  Labels,     // map name -> string
  Raw,        // map passed through as JSON
  TimeRange,  // { period, offset } or { start, end }
  ValueRange, // { min, max }
  RefLines,   // [{ label, value }], at most one
  FormatRules,// [{ name, threshold, operator }], at most one
};

struct EnumValue {
  const char* word;  // DSL spelling (matched case-insensitively)
  const char* api;   // what backends receive
};

struct Field {
  const char* name;
  Type type;
  double min = 0, max = 0;   // range check when min < max
  long long unitMs = 0;      // Duration: size of one unit in milliseconds
  long long multipleOf = 0;  // Duration: value must be a multiple of this (in units)
  std::vector<EnumValue> values{};  // {}: `Field{name, type}` then initialises every member
  const char* doc = "";
  const char* defaultText = "";
  bool required = false;
};

struct Kind {
  const char* name;     // "host", "graph", "mackerel" ...
  const char* what;     // "host monitor" for messages
  std::vector<Field> fields;
};

/// Monitor kinds in DSL spelling, each with its fields (common fields included).
const std::vector<Kind>& monitorKinds();
const std::vector<Kind>& widgetKinds();
/// Target kinds and their settings. The backends declare them (backends/registry.cpp installs
/// them with setTargetKinds before the first compile); until then there is none.
const std::vector<Kind>& targetKinds();
void setTargetKinds(std::vector<Kind> kinds);
const Kind& dashboardKind();
const Kind& rowKind();
const Kind& variableKind();
/// `record "name" { expr = ... }`: a Prometheus recording rule.
const Kind& recordKind();
/// `alert "Name" { expr = ... }`: a Prometheus alerting rule in its native form.
const Kind& alertKind();
/// `defaults { targets = [...] }`: per-file defaults for the monitors, dashboards and records
/// that the file's later top-level statements make (see compiler/expand/expand.cpp).
const Kind& defaultsKind();
/// `channel KIND "name" { ... }`: where notifications go (email, slack, webhook, pagerduty);
/// secrets only as names of environment variables (`*_env` fields).
const std::vector<Kind>& channelKinds();
/// `route "name" { channels severity match scopes monitors continue group_by ... }`: which
/// alerts reach which channels; routes are tried in source order.
const Kind& routeKind();
/// `maintenance "name" { start end weekdays time_zone scopes monitors }`: when alerts are muted.
const Kind& maintenanceKind();
/// `route_test "name" { labels expect }`: the channels an alert with these labels must reach.
const Kind& routeTestKind();
/// `test "name" { interval target_systems input "series" {...} expect "monitor" {...} }`: a unit
/// test of alert rules (docs/testing.md); its inputs and expectations are blocks of their own.
const Kind& testKind();
const Kind& testInputKind();
const Kind& testExpectKind();
/// Top-level block types: monitor, dashboard, target, variable, record, alert, defaults,
/// channel, route, maintenance, route_test, test.
const std::vector<std::string>& topLevelBlocks();

/// Field builders for schema tables (here and in the backends' target kinds).
Field str(const char* n, const char* doc, bool required = false, double maxLen = 0);
Field typed(const char* n, Type t, const char* doc, bool required = false);
Field integer(const char* n, double lo, double hi, const char* doc, const char* dflt = "");
/// A duration converted to `unitMs` units, within [lo, hi] of them.
Field duration(const char* n, long long unitMs, double lo, double hi, const char* doc, bool required = false,
               const char* dflt = "");

const Kind* findKind(const std::vector<Kind>& kinds, std::string_view name);
const Field* findField(const Kind& kind, std::string_view name);
std::vector<std::string> fieldNames(const Kind& kind);
std::vector<std::string> kindNames(const std::vector<Kind>& kinds);
/// The unit of a Duration field, plural: "seconds", "minutes" ...
const char* unitName(const Field& f);
/// Human description of a field's type and unit, for hover and messages.
std::string describeType(const Field& f);
/// True when `word` is an enumerated value of some field (case-insensitive): GET, warning ...
bool isEnumWord(std::string_view word);
/// Comparative host metrics whose thresholds are percentages (0-100).
bool isComparativeMetric(std::string_view metric);

}  // namespace mon::schema
