// Importers on inputs built to hurt: many alerts sharing a name (was cubic), panels nested far
// deeper than source can say (was a stack overflow in source::value), JSON that nlohmann alone
// would take (duplicate keys) or report without a location (1e999), YAML whose aliases expand
// exponentially or that nests without end.
#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "grafana/grafana.h"
#include "support/json_input.h"
#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "prometheus/yaml_input.h"

using namespace mon;

namespace {

// {"a":{"a":...1...}} with `levels` maps, built as text (no recursion).
std::string nestedMaps(size_t levels) {
  std::string s;
  for (size_t i = 0; i < levels; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(levels, '}');
  return s;
}

// A dashboard whose one panel of an unknown type holds `levels` nested `panels` lists.
std::string deepDashboard(size_t levels) {
  std::string s = R"({"uid":"deep","title":"Deep","panels":[{"id":7,"type":"weird","title":"deepest")";
  for (size_t i = 0; i < levels; ++i) s += R"(,"panels":[{"type":"weird")";
  for (size_t i = 0; i < levels; ++i) s += "}]";
  return s + R"(},{"id":8,"type":"text","title":"ok","options":{"content":"hi"}}]})";
}

}  // namespace

TEST_CASE("2,000 alerts sharing a name import as 2,000 rules under that name") {
  std::string yaml = "groups:\n- name: g\n  rules:\n";
  for (int i = 0; i < 2000; ++i)
    yaml += "  - alert: Same\n    expr: up > " + std::to_string(i) + "\n    labels: {severity: critical}\n";
  std::string source, error;
  std::vector<std::string> warnings;
  REQUIRE(prometheus::importRules(yaml, source, warnings, error));
  size_t count = 0;
  for (size_t at = source.find("alert \"Same\" {"); at != std::string::npos; at = source.find("alert \"Same\" {", at + 1)) ++count;
  CHECK(count == 2000);
  CHECK(source.find("up > 1999") != std::string::npos);
  CHECK(warnings.empty());
}

TEST_CASE("warning and critical halves merge; a later rule of that name keeps it as an alert block") {
  std::string yaml = "groups:\n- name: g\n  rules:\n"
                     "  - {alert: A, expr: up > 5, labels: {severity: warning}, annotations: {summary: A}}\n"
                     "  - {alert: A, expr: up > 9, labels: {severity: critical}, annotations: {summary: A}}\n"
                     "  - {alert: A, expr: y > 1, labels: {severity: warning}, annotations: {summary: A}}\n";
  std::string source, error;
  std::vector<std::string> warnings;
  REQUIRE(prometheus::importRules(yaml, source, warnings, error));
  // From the end: the last rule takes the monitor name, so the pair before it stays as written.
  CHECK(source.find("monitor query \"A\" {\n  query = \"y\"") != std::string::npos);
  CHECK(source.find("alert \"A\" {\n  expr = \"up > 5\"") < source.find("alert \"A\" {\n  expr = \"up > 9\""));
  CHECK(source.find("alert \"A\" {\n  expr = \"up > 9\"") < source.find("monitor query"));
}

TEST_CASE("source::value refuses what the parser would reject, without recursing past it") {
  CHECK(source::depth(nlohmann::ordered_json(1)) == 0);
  CHECK(source::depth(nlohmann::ordered_json::parse("[{}]")) == 2);
  auto ok = nlohmann::ordered_json::parse(nestedMaps(source::kMaxValueDepth));
  CHECK(source::depth(ok) == source::kMaxValueDepth);
  CHECK(source::value(ok).size() > source::kMaxValueDepth);
  auto deep = nlohmann::ordered_json::parse(nestedMaps(source::kMaxValueDepth + 1));
  CHECK(source::depth(deep) == source::kMaxValueDepth + 1);
  CHECK_THROWS_AS(source::value(deep), std::length_error);
}

TEST_CASE("a Grafana panel nested deeper than source takes is skipped with a warning naming it") {
  for (size_t levels : {100, 120}) {
    std::string source, error;
    std::vector<std::string> warnings;
    REQUIRE(grafana::importDashboard(deepDashboard(levels), source, warnings, error));
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "dashboard 'Deep': panel 7 'deepest': skipped: nested more than 195 levels deep (more than .mon source takes)");
    CHECK(source.find("deepest") == std::string::npos);
    CHECK(source.find("markdown \"ok\"") != std::string::npos);
  }
  std::string source, error;
  std::vector<std::string> warnings;
  // 20,000 levels (was a stack overflow): refused while reading, before anything recurses.
  CHECK_FALSE(grafana::importDashboard(deepDashboard(20000), source, warnings, error));
  CHECK(error.find("nested more than 256 levels deep") != std::string::npos);
  REQUIRE(grafana::importDashboard(deepDashboard(60), source, warnings, error));
  CHECK(source.find("grafana_panel") != std::string::npos);  // 60 levels: 121 brackets, taken
}

TEST_CASE("readJsonInput: duplicate keys, 1e999 and deep nesting are errors with a line and column") {
  nlohmann::ordered_json j;
  JsonInputError e;
  CHECK(readJsonInput("\xEF\xBB\xBF{\"a\": 1, \"b\": {\"a\": 2}}", j, e));
  CHECK(j["b"]["a"] == 2);
  CHECK_FALSE(readJsonInput("{\"a\": 1,\n \"a\": 2}", j, e));
  CHECK(e.where() == "2:2: duplicate key 'a'");
  CHECK_FALSE(readJsonInput("[1,\n  1e999]", j, e));
  CHECK(e.where() == "2:3: number out of range: 1e999");
  CHECK_FALSE(readJsonInput(std::string(300, '[') + std::string(300, ']'), j, e));
  CHECK(e.where() == "1:257: nested more than 256 levels deep");
  CHECK_FALSE(readJsonInput(std::string(100000, '[') + std::string(100000, ']'), j, e));  // no recursion
  CHECK_FALSE(readJsonInput("[1,]", j, e));
  CHECK(e.line == 1);
  CHECK(e.column == 4);
  CHECK(e.message.find("json.exception") == std::string::npos);
  CHECK(e.message.find("syntax error") == 0);
}

TEST_CASE("grafana import refuses duplicate keys and 1e999 with a location") {
  std::string source, error;
  std::vector<std::string> warnings;
  CHECK_FALSE(grafana::importDashboard("{\"uid\": \"a\",\n\"panels\": [], \"uid\": \"b\"}", source, warnings, error));
  CHECK(error == "invalid JSON: 2:15: duplicate key 'uid'");
  CHECK_FALSE(grafana::importDashboard("{\"panels\": [{\"id\": 1e999}]}", source, warnings, error));
  CHECK(error == "invalid JSON: 1:20: number out of range: 1e999");
}

namespace {

// The classic "billion laughs": `levels` anchors, each a list of ten aliases of the one before.
std::string laughs(int levels) {
  std::string y = "a0: &a0 lol\n";
  for (int i = 1; i <= levels; ++i) {
    y += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) y += (k ? ", *a" : "*a") + std::to_string(i - 1);
    y += "]\n";
  }
  return y;
}

}  // namespace

TEST_CASE("YAML whose aliases expand past a million nodes is refused at the alias that crosses it") {
  prometheus::YamlInputError e;
  CHECK(prometheus::checkYamlInput(laughs(4), e));  // 12,354 nodes, aliases expanded
  CHECK_FALSE(prometheus::checkYamlInput(laughs(9), e));
  CHECK(e.line == 7);  // a6: ten aliases of a5, 111,111 nodes each, cross the million
  CHECK(e.message == "aliases expand the YAML to more than 1000000 nodes");
  // Quadratic, not exponential: a thousand aliases of one group of a thousand aliases of one
  // rule would have the importer walk a million rules out of 20 KB.
  std::string yaml = "r: &r {alert: A, expr: up > 1}\ng: &g {name: g, rules: [*r";
  for (int i = 1; i < 1000; ++i) yaml += ", *r";
  yaml += "]}\ngroups: [*g";
  for (int i = 1; i < 1000; ++i) yaml += ", *g";
  yaml += "]\n";
  std::string source, error;
  std::vector<std::string> warnings;
  CHECK_FALSE(prometheus::importRules(yaml, source, warnings, error));
  CHECK(error.find("3:") == 0);
  CHECK(error.find("aliases expand the YAML to more than 1000000 nodes") != std::string::npos);
  CHECK(warnings.empty());
}

TEST_CASE("YAML aliases within the budget import as written") {
  std::string yaml = "common: &labels {severity: warning, team: db}\n"
                     "groups:\n- name: g\n  rules:\n"
                     "  - {alert: A, expr: up > 1, labels: *labels}\n"
                     "  - {alert: B, expr: up > 2, labels: *labels}\n";
  std::string source, error;
  std::vector<std::string> warnings;
  REQUIRE(prometheus::importRules(yaml, source, warnings, error));
  CHECK(source.find("alert \"B\" {\n  expr = \"up > 2\"\n  labels = { severity = \"warning\", team = \"db\" }") !=
        std::string::npos);
}

TEST_CASE("an alias inside the node it names is refused, not loaded as a cycle") {
  prometheus::YamlInputError e;
  CHECK_FALSE(prometheus::checkYamlInput("groups: &g\n- name: x\n  rules: *g\n", e));
  CHECK(e.where() == "3:10: an alias inside the node it names (a document that contains itself)");
}

TEST_CASE("YAML nested deeper than 256 levels is refused with its line and column, without recursing") {
  prometheus::YamlInputError e;
  CHECK(prometheus::checkYamlInput(std::string(256, '[') + std::string(256, ']'), e));
  CHECK_FALSE(prometheus::checkYamlInput(std::string(257, '[') + std::string(257, ']'), e));
  CHECK(e.where() == "1:257: nested more than 256 levels deep");
  // 100,000 levels: stopped at level 257, long before yaml-cpp's own recursion limit.
  CHECK_FALSE(prometheus::checkYamlInput(std::string(100000, '[') + std::string(100000, ']'), e));
  CHECK(e.where() == "1:257: nested more than 256 levels deep");
  std::string block;  // block style: one level per line
  for (int i = 0; i < 300; ++i) block += std::string(size_t(i) * 2, ' ') + "k:\n";
  CHECK_FALSE(prometheus::checkYamlInput(block, e));
  CHECK(e.line == 257);
  std::string source, error;
  std::vector<std::string> warnings;
  CHECK_FALSE(prometheus::importRules("groups:\n- " + std::string(300, '[') + std::string(300, ']'), source, warnings, error));
  CHECK(error == "2:257: nested more than 256 levels deep");
}

TEST_CASE("YAML over a million nodes, or over the size limit, is refused") {
  prometheus::YamlInputError e;
  prometheus::YamlLimits small;
  small.maxBytes = 100;
  CHECK(prometheus::checkYamlInput(std::string(100, '#'), e, small));
  CHECK_FALSE(prometheus::checkYamlInput(std::string(101, '#'), e, small));
  CHECK(e.where() == "larger than 100 bytes");
  std::string items = "0";
  for (int i = 1; i < 999999; ++i) items += ",0";
  CHECK(prometheus::checkYamlInput("[" + items + "]", e));  // the list and 999,999 items
  CHECK_FALSE(prometheus::checkYamlInput("[" + items + ",0]", e));
  CHECK(e.where() == "1:2000000: more than 1000000 nodes");
  std::string source, error;
  std::vector<std::string> warnings;
  CHECK_FALSE(prometheus::importRules(std::string(kMaxInputBytes + 1, '#'), source, warnings, error));
  CHECK(error == "larger than 64 MiB");
}

TEST_CASE("YAML syntax errors keep their line and column") {
  std::string source, error;
  std::vector<std::string> warnings;
  CHECK_FALSE(prometheus::importRules("groups:\n- name: g\n  rules: [\n", source, warnings, error));
  CHECK(error.find("4:1: not YAML: ") == 0);
}
