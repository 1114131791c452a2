// `import prometheus` on the shapes public rule sets use: what it keeps, what it refuses to
// rewrite (rather than change the meaning), PrometheusRule objects, and many same-name alerts.
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

TEST_CASE("an 'and' condition is not read as a threshold on the whole expression") {
  // PromQL binds '>' tighter than 'and': the last '>' is not the top-level operator here.
  auto r = import("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: e / r * 100 > 80 and r > 0\n");
  REQUIRE(r.ok);
  CHECK_FALSE(has(r.source, "monitor query"));
  REQUIRE(r.warnings.size() == 1);
  CHECK(has(r.warnings[0], "alert 'A': skipped"));
  for (const char* expr : {"a > 1 unless b", "a > 1 or b > 2", "a > bool 1"})
    CHECK_FALSE(has(import(std::string("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: ") + expr + "\n").source,
                    "monitor query"));
  // A name that merely contains the words is no operator.
  auto ok = import("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: sum(standby_orders) > 1\n");
  CHECK(has(ok.source, "query = \"sum(standby_orders)\""));
}

TEST_CASE("thresholds come back as numbers the language reads; block scalars split too") {
  auto r = import("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: free_ratio < .80\n    labels: {severity: warning}\n"
                  "  - alert: B\n    expr: |\n      sum(x)\n        > 5\n");
  REQUIRE(r.ok);
  CHECK(has(r.source, "warning = 0.8\n"));
  CHECK(has(r.source, "query = \"sum(x)\""));
  CHECK(has(r.source, "critical = 5\n"));
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
      "  - name: two\n    rules:\n    - alert: A\n      expr: x > 1\n");
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

TEST_CASE("2,000 alerts sharing one name all import, each under its own monitor name") {
  std::string yaml = "groups:\n- name: g\n  rules:\n";
  for (int i = 0; i < 2000; ++i) yaml += "  - alert: Same\n    expr: m" + std::to_string(i) + " > 1\n";
  auto r = import(yaml);
  REQUIRE(r.ok);
  CHECK(has(r.source, "monitor query \"Same\" {"));
  CHECK(has(r.source, "monitor query \"Same (2)\" {"));
  CHECK(has(r.source, "monitor query \"Same (2000)\" {"));
  CHECK_FALSE(has(r.source, "monitor query \"Same (2001)\""));
  CHECK(r.warnings.size() == 1999);
}
