// convertField() against the schema tables: units, ranges, enums, scopes and structured values.
#include <doctest/doctest.h>

#include "check/convert.h"
#include "check/schema.h"
#include "harness.h"

namespace {

using Json = nlohmann::ordered_json;
namespace schema = mon::schema;

const schema::Field& spec(const char* kind, const char* field) {
  const schema::Kind* k = schema::findKind(schema::monitorKinds(), kind);
  if (!k) k = schema::findKind(schema::widgetKinds(), kind);
  REQUIRE(k);
  const schema::Field* f = schema::findField(*k, field);
  REQUIRE(f);
  return *f;
}

mon::Value num(double n) {
  mon::Value v;
  v.kind = mon::ValueKind::Number;
  v.number = n;
  return v;
}
mon::Value dur(int64_t ms) {
  mon::Value v;
  v.kind = mon::ValueKind::Duration;
  v.durationMs = ms;
  return v;
}
mon::Value str(std::string s, mon::ValueKind k = mon::ValueKind::String) {
  mon::Value v;
  v.kind = k;
  v.str = std::move(s);
  return v;
}
mon::Value list(std::vector<mon::Value> items) {
  mon::Value v;
  v.kind = mon::ValueKind::List;
  for (auto& i : items) v.items.push_back(std::move(i));
  return v;
}
mon::Value map(std::vector<std::pair<std::string, mon::Value>> entries) {
  mon::Value v;
  v.kind = mon::ValueKind::Map;
  for (auto& e : entries) v.entries.push_back(std::move(e));
  return v;
}

struct Result {
  bool ok;
  Json json;
  std::vector<std::string> codes;
  std::string message;
};

Result convert(const schema::Field& f, const mon::Value& v) {
  mon::DiagEngine d;
  Result r;
  r.ok = mon::convertField(f, v, r.json, d);
  r.codes = montest::codes(d);
  if (!d.all().empty()) r.message = d.all()[0].message;
  CHECK(r.ok == r.codes.empty());
  return r;
}

constexpr int64_t kSec = 1000, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;

}  // namespace

TEST_CASE("convert: durations are converted to the field's unit") {
  CHECK(convert(spec("host", "duration"), dur(5 * kMin)).json == 5);
  CHECK(convert(spec("host", "duration"), num(3)).json == 3);  // a plain number is in the unit
  CHECK(convert(spec("external", "response_time_warning"), dur(1500)).json == 1500);
  CHECK(convert(spec("external", "response_time_warning"), dur(2 * kSec)).json == 2000);
  CHECK(convert(spec("external", "certification_expiration_warning"), dur(30 * kDay)).json == 30);
  CHECK(convert(spec("external", "certification_expiration_warning"), dur(2 * 7 * kDay)).json == 14);
  CHECK(convert(spec("host", "notification_interval"), dur(2 * kHour)).json == 120);
}

TEST_CASE("convert: inexact durations are rejected") {
  auto r = convert(spec("host", "duration"), dur(90 * kSec));
  CHECK(r.codes == std::vector<std::string>{"err_inexact_duration"});
  CHECK(r.message == "'duration' is measured in minutes; 90s is not a whole number of minutes");
  CHECK(convert(spec("external", "certification_expiration_critical"), dur(36 * kHour)).codes ==
        std::vector<std::string>{"err_inexact_duration"});
  CHECK(convert(spec("host", "duration"), num(2.5)).codes == std::vector<std::string>{"err_not_integer"});
}

TEST_CASE("convert: duration ranges") {
  auto r = convert(spec("host", "duration"), dur(11 * kMin));
  CHECK(r.codes == std::vector<std::string>{"err_out_of_range"});
  CHECK(r.message == "'duration' must be between 1m and 10m, found 11m");
  CHECK(convert(spec("host", "duration"), dur(0)).codes == std::vector<std::string>{"err_out_of_range"});
  CHECK(convert(spec("host", "duration"), dur(10 * kMin)).ok);
  auto ni = convert(spec("host", "notification_interval"), dur(5 * kMin));
  CHECK(ni.message == "'notification_interval' must be at least 10m, found 5m");
  CHECK(convert(spec("host", "notification_interval"), dur(10 * kMin)).ok);
  // missing durations: multiples of 10m, at most 7d.
  CHECK(convert(spec("service", "missing_duration_warning"), dur(7 * kDay)).json == 10080);
  auto m15 = convert(spec("service", "missing_duration_warning"), dur(15 * kMin));
  CHECK(m15.message == "'missing_duration_warning' must be a multiple of 10m, found 15m");
  CHECK(convert(spec("service", "missing_duration_critical"), dur(7 * kDay + 10 * kMin)).codes ==
        std::vector<std::string>{"err_out_of_range"});
  // evaluate_backward_minutes: 2-10 for expressions, 0-10 for queries.
  CHECK(convert(spec("expression", "evaluate_backward_minutes"), dur(kMin)).codes ==
        std::vector<std::string>{"err_out_of_range"});
  CHECK(convert(spec("query", "evaluate_backward_minutes"), dur(0)).json == 0);
  CHECK(convert(spec("query", "evaluate_backward_minutes"), dur(11 * kMin)).codes ==
        std::vector<std::string>{"err_out_of_range"});
}

TEST_CASE("convert: counts and integers") {
  CHECK(convert(spec("service", "duration"), num(3)).json == 3);
  auto r = convert(spec("service", "duration"), dur(3 * kMin));
  CHECK(r.codes == std::vector<std::string>{"err_duration_not_allowed"});
  CHECK(r.message == "'duration' counts points, not time; write a plain number");
  CHECK(convert(spec("host", "max_check_attempts"), num(11)).message == "'max_check_attempts' must be between 1 and 10, found 11");
  CHECK(convert(spec("host", "max_check_attempts"), num(0)).codes == std::vector<std::string>{"err_out_of_range"});
  CHECK(convert(spec("host", "max_check_attempts"), num(1.5)).codes == std::vector<std::string>{"err_not_integer"});
  CHECK(convert(spec("external", "expected_status_code"), num(600)).codes == std::vector<std::string>{"err_out_of_range"});
  CHECK(convert(spec("value", "fraction_size"), num(17)).message == "'fraction_size' must be between 0 and 16, found 17");
  CHECK(convert(spec("value", "fraction_size"), num(0)).json == 0);
}

TEST_CASE("convert: thresholds, strings and types") {
  CHECK(convert(spec("host", "warning"), mon::Value{}).json.is_null());
  CHECK(convert(spec("host", "warning"), num(0.5)).json == 0.5);
  CHECK(convert(spec("host", "warning"), str("70")).message == "'warning' expects a number or null, found a string");
  auto memo = convert(spec("host", "memo"), str(std::string(2049, 'x')));
  CHECK(memo.message == "'memo' is 2049 characters long; the limit is 2048");
  // The limit counts characters, not bytes.
  std::string accents;
  for (int i = 0; i < 2048; ++i) accents += "\xC3\xA9";
  CHECK(convert(spec("host", "memo"), str(accents)).ok);
  auto word = convert(spec("host", "metric"), str("cpu", mon::ValueKind::Word));
  CHECK(word.codes == std::vector<std::string>{"err_undefined_name"});
}

TEST_CASE("convert: enums and operators") {
  CHECK(convert(spec("external", "method"), str("post", mon::ValueKind::Word)).json == "POST");
  CHECK(convert(spec("external", "method"), str("GET")).json == "GET");
  CHECK(convert(spec("connectivity", "alert_status_on_gone"), str("warning", mon::ValueKind::Word)).json == "WARNING");
  auto bad = convert(spec("external", "method"), str("GTE", mon::ValueKind::Word));
  CHECK(bad.message == "'method' must be one of 'GET', 'POST', 'PUT' or 'DELETE', found 'GTE'");
  CHECK(convert(spec("anomaly_detection", "warning_sensitivity"), str("normal", mon::ValueKind::Word)).json == "normal");
  CHECK(convert(spec("host", "operator"), str(">")).json == ">");
  CHECK(convert(spec("host", "operator"), str(">=")).codes == std::vector<std::string>{"err_bad_enum"});
}

TEST_CASE("convert: scopes are normalised") {
  auto r = convert(spec("host", "scopes"), list({str("svc:role"), str("svc: role"), str("svc"), str("my-svc:db_1")}));
  CHECK(r.json == Json::array({"svc: role", "svc: role", "svc", "my-svc: db_1"}));
  for (const char* bad : {"svc:", ":role", "svc role", "a:b:c", ""}) {
    CAPTURE(bad);
    CHECK(convert(spec("host", "scopes"), list({str(bad)})).codes == std::vector<std::string>{"err_bad_scope"});
  }
  std::string out;
  CHECK(mon::normalizeScope("svc:  role", out));
  CHECK(out == "svc: role");
}

TEST_CASE("convert: structured widget values") {
  auto range = convert(spec("graph", "range"), map({{"period", dur(kHour)}, {"offset", dur(-30 * kMin)}}));
  CHECK(range.json == Json{{"type", "relative"}, {"period", 3600}, {"offset", -1800}});
  auto abs = convert(spec("graph", "range"), map({{"start", num(100)}, {"end", num(200)}}));
  CHECK(abs.json == Json{{"type", "absolute"}, {"start", 100}, {"end", 200}});
  CHECK(convert(spec("graph", "range"), map({{"start", num(200)}, {"end", num(100)}})).codes ==
        std::vector<std::string>{"err_out_of_range"});
  CHECK(convert(spec("graph", "range"), map({{"perod", dur(kHour)}})).codes == std::vector<std::string>{"err_unknown_field"});
  CHECK(convert(spec("graph", "value_range"), map({{"min", num(0)}, {"max", num(100)}})).json == Json{{"min", 0.0}, {"max", 100.0}});
  CHECK(convert(spec("graph", "value_range"), map({{"min", num(5)}, {"max", num(1)}})).codes ==
        std::vector<std::string>{"err_out_of_range"});
  auto lines = convert(spec("graph", "reference_lines"), list({map({{"label", str("limit")}, {"value", num(4)}})}));
  CHECK(lines.json == Json::array({Json{{"label", "limit"}, {"value", 4.0}}}));
  auto two = list({map({{"label", str("a")}, {"value", num(1)}}), map({{"label", str("b")}, {"value", num(2)}})});
  // Several lines are the language's (Grafana draws them all); Mackerel's one line is its check.
  CHECK(convert(spec("graph", "reference_lines"), two).json.size() == 2);
  auto rules = convert(spec("value", "format_rules"), list({map({{"name", str("bad")}, {"threshold", num(10)}, {"operator", str(">")}})}));
  CHECK(rules.json == Json::array({Json{{"name", "bad"}, {"threshold", 10.0}, {"operator", ">"}}}));
}

TEST_CASE("convert: raw passthrough keeps types; durations become ms") {
  Json out;
  mon::DiagEngine d;
  auto v = map({{"a", num(1)}, {"b", num(0.5)}, {"c", dur(2 * kSec)}, {"d", list({str("x"), mon::Value{}})}});
  REQUIRE(mon::valueToJson(v, out, d));
  CHECK(out.dump() == R"({"a":1,"b":0.5,"c":2000,"d":["x",null]})");
}

TEST_CASE("schema: tables are consistent") {
  for (const auto* kinds : {&schema::monitorKinds(), &schema::widgetKinds(), &schema::targetKinds()})
    for (const auto& k : *kinds) {
      CAPTURE(k.name);
      auto names = schema::fieldNames(k);
      for (size_t i = 0; i < names.size(); ++i)
        for (size_t j = i + 1; j < names.size(); ++j) CHECK(names[i] != names[j]);
      for (const auto& f : k.fields) {
        CHECK(std::string(f.doc).size() > 0);
        if (f.type == schema::Type::Duration) CHECK(f.unitMs > 0);
      }
    }
  CHECK(schema::kindNames(schema::monitorKinds()) ==
        std::vector<std::string>{"host", "connectivity", "service", "external", "expression", "anomaly_detection", "query"});
  CHECK(schema::isComparativeMetric("cpu%"));
  CHECK_FALSE(schema::isComparativeMetric("loadavg5"));
}

TEST_CASE("schema: a field or kind is found by its whole name only") {
  const schema::Kind* host = schema::findKind(schema::monitorKinds(), "host");
  REQUIRE(host != nullptr);
  CHECK(std::string(host->name) == "host");
  CHECK(schema::findKind(schema::monitorKinds(), "hos") == nullptr);
  CHECK(schema::findKind(schema::monitorKinds(), "hosts") == nullptr);
  CHECK(schema::findKind(schema::monitorKinds(), "") == nullptr);
  const schema::Field* warning = schema::findField(*host, "warning");
  REQUIRE(warning != nullptr);
  CHECK(std::string(warning->name) == "warning");
  CHECK(schema::findField(*host, "warn") == nullptr);
  CHECK(schema::findField(*host, "warnings") == nullptr);
  CHECK(schema::findField(*host, std::string_view("warning\0x", 9)) == nullptr);  // a NUL inside the name
  CHECK(schema::findField(*host, std::string_view("warn\0ing", 8)) == nullptr);
  // Every field of every kind is found under its own name, and as nothing longer or shorter.
  for (const auto& kind : schema::monitorKinds())
    for (const auto& f : kind.fields) {
      std::string name = f.name;
      CHECK(schema::findField(kind, name) == &f);
      CHECK(schema::findField(kind, name + "_") == nullptr);
      if (name.size() > 1) {
        const schema::Field* shorter = schema::findField(kind, name.substr(0, name.size() - 1));
        CHECK((shorter == nullptr || std::string(shorter->name) == name.substr(0, name.size() - 1)));
      }
    }
}
