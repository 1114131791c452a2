// `import prometheus` on the shapes public rule sets use: which rules become portable query
// monitors (only those that build back exactly), which stay alert blocks as written, group
// settings and order, PrometheusRule objects, and many same-name alerts.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "prometheus/prometheus.h"

using namespace mon;

namespace {

struct Result {
  bool ok;
  std::string source, error;
  std::vector<std::string> warnings;
};

Result import(const std::string& yaml) {
  Result r;
  r.ok = prometheus::importRules(yaml, r.source, r.warnings, r.error);
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// A rule as the portable form would import it: `alert: A`, severity critical, summary A.
std::string portable(const std::string& expr) {
  return "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: " + expr +
         "\n    labels: {severity: critical}\n    annotations: {summary: A}\n";
}

TEST_CASE("an 'and' condition is not read as a threshold on the whole expression: it stays as written") {
  // PromQL binds '>' tighter than 'and': the last '>' is not the top-level operator here.
  auto r = import(portable("e / r * 100 > 80 and r > 0"));
  REQUIRE(r.ok);
  CHECK_FALSE(has(r.source, "monitor query"));
  CHECK(has(r.source, "alert \"A\" {\n  expr = \"e / r * 100 > 80 and r > 0\"\n"));
  CHECK(r.warnings.empty());
  for (const char* expr : {"a > 1 unless b", "a > 1 or b > 2", "a > bool 1", "a >= 1", "absent(up)"}) {
    auto one = import(portable(expr));
    CHECK_FALSE(has(one.source, "monitor query"));
    CHECK(has(one.source, std::string("expr = \"") + expr + "\""));
  }
  // A name that merely contains the words is no operator.
  auto ok = import(portable("sum(standby_orders) > 1"));
  CHECK(has(ok.source, "monitor query \"A\" {\n  query = \"sum(standby_orders)\""));
}

TEST_CASE("a rule becomes a query monitor only when the monitor builds back exactly that rule") {
  CHECK(has(import(portable("up > 5")).source, "monitor query \"A\""));
  CHECK(has(import(portable("sum(x) > 5")).source, "monitor query \"A\""));
  CHECK(has(import(portable("(a or b) > 5")).source, "monitor query \"A\""));  // parentheses are written back
  // Spelled otherwise than monitorc writes it: the number, or parentheses monitorc would not add.
  for (const char* expr : {"free_ratio < .80", "(up) > 5", "(sum(x) / 2) > 5"})
    CHECK_FALSE(has(import(portable(expr)).source, "monitor query"));
  // Templates, other annotations and labels, no severity, a summary that is not the name,
  // keep_firing_for: each stays an alert block.
  const char* kept[] = {
      "  - alert: A\n    expr: up > 5\n    labels: {severity: critical}\n    annotations: {summary: 'A {{ $labels.x }}'}\n",
      "  - alert: A\n    expr: up > 5\n    labels: {severity: critical}\n    annotations: {summary: A, note: x}\n",
      "  - alert: A\n    expr: up > 5\n    labels: {severity: page}\n    annotations: {summary: A}\n",
      "  - alert: A\n    expr: up > 5\n    annotations: {summary: A}\n",
      "  - alert: A\n    expr: up > 5\n    labels: {severity: critical}\n",
      "  - alert: A\n    expr: up > 5\n    labels: {severity: critical, runbook: x}\n    annotations: {summary: A}\n",
      "  - alert: A\n    expr: up > 5\n    keep_firing_for: 5m\n    labels: {severity: critical}\n    annotations: {summary: A}\n",
  };
  for (const char* rule : kept) {
    auto r = import(std::string("groups:\n- name: g\n  rules:\n") + rule);
    CHECK_MESSAGE(!has(r.source, "monitor query"), rule);
    CHECK_MESSAGE(has(r.source, "alert \"A\" {"), rule);
  }
}

TEST_CASE("an alert block keeps the expression, durations, labels and annotations as written") {
  auto r = import("groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: |\n      absent(up{job=\"x\"})\n"
                  "    for: 1h30m\n    keep_firing_for: 10m\n    labels: {severity: '{{ if gt $value 1.0 }}page{{ end }}'}\n"
                  "    annotations: {summary: 'Down on {{ $labels.instance }}', runbook_url: 'https://r.example/down'}\n");
  REQUIRE(r.ok);
  CHECK(has(r.source, "alert \"Down\" {\n  expr = \"absent(up{job=\\\"x\\\"})\\n\"\n  for_duration = 1h30m\n  keep_firing_for = 10m\n"));
  CHECK(has(r.source, "labels = { severity = \"{{ if gt $value 1.0 }}page{{ end }}\" }"));
  CHECK(has(r.source, "annotations = { runbook_url = \"https://r.example/down\", summary = \"Down on {{ $labels.instance }}\" }"));
  CHECK(r.warnings.empty());
}

TEST_CASE("rules keep their order: monitors only at the end of a group, after every record and alert block") {
  auto r = import("groups:\n- name: g\n  interval: 30s\n  limit: 10\n  rules:\n"
                  "  - {alert: First, expr: a > 1, labels: {severity: warning}, annotations: {summary: First}}\n"
                  "  - {record: 'r:x', expr: sum(a)}\n"
                  "  - {alert: Last, expr: b > 1, labels: {severity: warning}, annotations: {summary: Last}}\n");
  REQUIRE(r.ok);
  CHECK(has(r.source, "target prometheus \"g\" {\n  group = \"g\"\n  interval = 30s\n  limit = 10\n}\n"));
  size_t first = r.source.find("alert \"First\""), record = r.source.find("record \"r:x\""),
         last = r.source.find("monitor query \"Last\"");
  REQUIRE(first != std::string::npos);
  REQUIRE(record != std::string::npos);
  REQUIRE(last != std::string::npos);
  CHECK(first < record);
  CHECK(record < last);
}

TEST_CASE("a warning rule and the critical rule right after it merge into one monitor") {
  auto r = import("groups:\n- name: g\n  rules:\n"
                  "  - {alert: A, expr: up > 5, for: 5m, labels: {severity: warning}, annotations: {summary: A, description: d}}\n"
                  "  - {alert: A, expr: up > 9, for: 5m, labels: {severity: critical}, annotations: {summary: A, description: d}}\n");
  REQUIRE(r.ok);
  CHECK(has(r.source, "monitor query \"A\" {\n  query = \"up\"\n  operator = \">\"\n  warning = 5\n  critical = 9\n"
                      "  for_duration = 5m\n  memo = \"d\"\n"));
  // Critical first would come back in the other order: two alert blocks keep it.
  auto swapped = import("groups:\n- name: g\n  rules:\n"
                        "  - {alert: A, expr: up > 9, labels: {severity: critical}, annotations: {summary: A}}\n"
                        "  - {alert: A, expr: up > 5, labels: {severity: warning}, annotations: {summary: A}}\n");
  CHECK(has(swapped.source, "alert \"A\" {\n  expr = \"up > 9\""));
  CHECK(has(swapped.source, "monitor query \"A\" {\n  query = \"up\"\n  operator = \">\"\n  warning = 5\n"));
}

TEST_CASE("recording rules: the same name and labels from another expression are both kept") {
  auto r = import("groups:\n- name: g\n  rules:\n  - record: m:sum\n    expr: sum(a)\n  - record: m:sum\n    expr: sum(b)\n"
                  "  - record: m:sum\n    expr: sum(a)\n");
  REQUIRE(r.ok);
  CHECK(has(r.source, "expr = \"sum(a)\""));
  CHECK(has(r.source, "expr = \"sum(b)\""));
  REQUIRE(r.warnings.size() == 1);  // only the exact repeat
  CHECK(has(r.warnings[0], "the same recording rule"));
}

TEST_CASE("PrometheusRule objects, one or several per file, are read from spec.groups") {
  auto r = import(
      "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\nspec:\n  groups:\n"
      "  - name: one\n    rules:\n    - record: r:sum\n      expr: sum(r)\n---\n"
      "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: b}\nspec:\n  groups:\n"
      "  - name: two\n    rules:\n    - alert: A\n      expr: x > 1\n      labels: {severity: critical}\n"
      "      annotations: {summary: A}\n");
  REQUIRE(r.ok);
  CHECK(has(r.source, "target prometheus \"one\""));
  CHECK(has(r.source, "target prometheus \"two\""));
  CHECK(has(r.source, "record \"r:sum\""));
  CHECK(has(r.source, "monitor query \"A\""));
  auto bad = import("kind: PrometheusRule\nmetadata: {name: a}\nspec: {}\n");
  CHECK_FALSE(bad.ok);
  CHECK(has(bad.error, "spec.groups"));
  CHECK_FALSE(import("groups: []\n---\nfoo: 1\n").ok);
}

TEST_CASE("2,000 alerts sharing one name all import under that name, in order") {
  std::string yaml = "groups:\n- name: g\n  rules:\n";
  for (int i = 0; i < 2000; ++i)
    yaml += "  - {alert: Same, expr: m" + std::to_string(i) + " > 1, labels: {severity: warning}, annotations: {summary: Same}}\n";
  auto r = import(yaml);
  REQUIRE(r.ok);
  // The last is a monitor (the name is free); the others share its name as alert blocks.
  CHECK(has(r.source, "monitor query \"Same\" {\n  query = \"m1999\""));
  size_t blocks = 0, prev = 0;
  bool ordered = true;
  for (size_t at = r.source.find("alert \"Same\""); at != std::string::npos; at = r.source.find("alert \"Same\"", at + 1)) {
    ordered = ordered && r.source.find("expr = \"m" + std::to_string(blocks) + " > 1\"", at) == r.source.find("expr", at);
    prev = at;
    ++blocks;
  }
  CHECK(blocks == 1999);
  CHECK(ordered);
  CHECK(prev < r.source.find("monitor query"));
  CHECK(r.warnings.empty());
}
