// Lowering of `record` blocks (Prometheus recording rules) to ir::Rule, and their checks.
#include <doctest/doctest.h>

#include "harness.h"

using montest::codes;
using montest::compileText;

namespace {

std::string at(const mon::Compilation& c, mon::Range r) {
  mon::LineCol lc = c.sources.lineCol(r.file, r.begin);
  return std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

}  // namespace

TEST_CASE("record: lowered with expr, labels, targets and where each target is named") {
  auto c = compileText(R"mon(let w = "5m"
record "job:http_requests:rate5m" {
  expr = "sum by (job) (rate(http_requests_total[${w}]))"
  labels = { team = "web", tier = 1 }
  targets = ["a", "b"]
}
target prometheus "a" {}
target prometheus "b" {}
)mon");
  CHECK(c->diags.all().empty());
  REQUIRE(c->module.rules.size() == 1);
  const auto& r = c->module.rules[0];
  CHECK(r.name == "job:http_requests:rate5m");
  CHECK(r.expr == "sum by (job) (rate(http_requests_total[5m]))");
  CHECK(r.labels == std::map<std::string, std::string>{{"team", "web"}, {"tier", "1"}});
  CHECK(r.targets == std::vector<std::string>{"a", "b"});
  REQUIRE(r.targetRanges.size() == 2);
  CHECK(at(*c, r.targetRanges[0]) == "5:14");
  CHECK(at(*c, r.targetRanges[1]) == "5:19");
  CHECK(at(*c, r.nameRange) == "2:8");
  CHECK(c->module.monitors.empty());

  auto j = mon::ir::toJson(c->module, c->sources);
  REQUIRE(j.contains("records"));
  CHECK(j["records"][0]["name"] == "job:http_requests:rate5m");
  CHECK(j["records"][0]["source"] == "main.mon:2:1");
  CHECK(j["records"][0]["labels"]["tier"] == "1");
}

TEST_CASE("record: templates, loops and conditions make records like any block") {
  auto c = compileText(R"mon(variable "env" { default = "prod" }
template ratio(job) {
  record "job:errors:ratio" { expr = "errors_total{job=\"${job}\"}" labels = { job = job } }
}
for j in ["api", "web"] { use ratio(j) }
if var.env == "prod" { record "prod:up" { expr = "up" } } else { record "staging:up" { expr = "up" } }
)mon");
  CHECK(c->diags.all().empty());
  REQUIRE(c->module.rules.size() == 3);
  CHECK(c->module.rules[0].labels.at("job") == "api");
  CHECK(c->module.rules[1].labels.at("job") == "web");
  CHECK(c->module.rules[1].expr == "errors_total{job=\"web\"}");
  CHECK(c->module.rules[2].name == "prod:up");
}

TEST_CASE("record: name, expr and label names are checked where they are written") {
  auto c = compileText(R"mon(record "a-b" { expr = "up" }
record "ok:name" { expr = " " }
record "ok:two" { labels = { "x-y" = "1", __meta = "2" } expr = "up" }
record "ok:three" { }
)mon");
  CHECK(codes(c->diags) == std::vector<std::string>{"err_bad_record_name", "err_empty_value", "err_bad_label_name",
                                                    "err_reserved_label_name", "err_missing_field"});
  const auto& d = c->diags.all();
  CHECK(at(*c, d[0].range) == "1:8");
  CHECK(at(*c, d[1].range) == "2:27");
  CHECK(at(*c, d[2].range) == "3:30");
  CHECK(at(*c, d[3].range) == "3:43");
  CHECK(c->module.rules.empty());
}

TEST_CASE("record: the same name, labels and expression twice is an error only where a target takes both") {
  auto c = compileText(R"mon(record "x" { expr = "a" labels = { k = "1" } }
record "x" { expr = "b" labels = { k = "2" } }
record "y" { expr = "a" targets = ["p"] }
record "y" { expr = "a" targets = ["q"] }
record "z" { expr = "a" targets = ["p"] }
record "z" { expr = "a" }
record "w" { expr = "a" labels = { k = "1" } }
record "w" { expr = "b" labels = { k = "1" } }
)mon");
  CHECK(codes(c->diags) == std::vector<std::string>{"err_duplicate_record"});
  CHECK(at(*c, c->diags.all()[0].range) == "6:8");
  REQUIRE(c->diags.all()[0].notes.size() >= 1);
  CHECK(at(*c, c->diags.all()[0].notes[0].range) == "5:8");
  CHECK(c->module.rules.size() == 7);  // "w" twice: one metric assembled from two expressions
}
