// Unit tests of the newrelic backend's helpers: how NerdGraph's answers are read (errors in a
// 200 body, rate limits there and as 429, validation errors not retried), the canonical form
// that makes a condition or a dashboard read back equal to the one sent, the dashboard source
// written back from a dashboard, and the NRQL string literal.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "net/fake_client.h"
#include "newrelic/condition_remote.h"
#include "newrelic/dashboard_remote.h"
#include "newrelic/dashboard_source.h"
#include "newrelic/dashboards.h"
#include "newrelic/mapping.h"
#include "newrelic/nerdgraph.h"

using namespace mon::newrelic;
using Json = mon::ir::Json;

namespace {

mon::net::Response answer(int status, const std::string& body) {
  mon::net::Response r;
  r.status = status;
  r.body = body;
  return r;
}

mon::net::RetryPolicy fast() {
  mon::net::RetryPolicy p;
  p.baseDelayMs = 1;
  p.maxDelayMs = 2;
  p.maxAttempts = 4;
  return p;
}

}  // namespace

TEST_CASE("NerdGraph: the key goes in API-Key, values as variables") {
  auto client = std::make_shared<mon::net::RecordingClient>([](const mon::net::Request&) {
    return answer(200, R"({"data": {"actor": {"account": {"id": 1}}}})");
  });
  Api api(client, "https://api.newrelic.com/graphql", "NRAK-SECRET", fast());
  Json data;
  std::string err;
  REQUIRE(api.call("q", "query($a: Int!) { actor { account(id: $a) { id } } }", {{"a", 1}}, data, err));
  CHECK(data["actor"]["account"]["id"] == 1);
  auto sent = client->sent();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].method == "POST");
  bool key = false;
  for (const auto& [k, v] : sent[0].headers) key = key || (k == "API-Key" && v == "NRAK-SECRET");
  CHECK(key);
  Json body = Json::parse(sent[0].body);
  CHECK(body["variables"]["a"] == 1);
  CHECK(body["query"].get<std::string>().find("$a") != std::string::npos);
}

TEST_CASE("NerdGraph: rate limits in a 200 body and 429s are retried; validation errors are not") {
  int calls = 0;
  auto client = std::make_shared<mon::net::RecordingClient>([&](const mon::net::Request&) {
    ++calls;
    if (calls == 1) return answer(200, R"({"errors": [{"message": "slow down", "extensions": {"errorClass": "TOO_MANY_REQUESTS"}}]})");
    if (calls == 2) return answer(429, R"({"errors": [{"message": "slow down"}]})");
    return answer(200, R"({"data": {"ok": true}})");
  });
  Api api(client, "https://x/graphql", "k", fast());
  Json data;
  std::string err;
  CHECK(api.call("q", "{ ok }", Json::object(), data, err));
  CHECK(calls == 3);

  int bad = 0;
  auto invalid = std::make_shared<mon::net::RecordingClient>([&](const mon::net::Request&) {
    ++bad;
    return answer(200, R"({"errors": [{"message": "Field \"x\" is not defined", "extensions": {"errorClass": "BAD_USER_INPUT"}}]})");
  });
  Api api2(invalid, "https://x/graphql", "k", fast());
  CHECK_FALSE(api2.call("alertsPolicyCreate", "{ ok }", Json::object(), data, err));
  CHECK(bad == 1);
  CHECK(err == "alertsPolicyCreate: BAD_USER_INPUT: Field \"x\" is not defined");

  int down = 0;
  auto failing = std::make_shared<mon::net::RecordingClient>([&](const mon::net::Request&) {
    ++down;
    return answer(200, R"({"errors": [{"message": "oops", "extensions": {"errorClass": "INTERNAL_SERVER_ERROR"}}]})");
  });
  Api api3(failing, "https://x/graphql", "k", fast());
  CHECK_FALSE(api3.call("q", "{ ok }", Json::object(), data, err));
  CHECK(down == 4);
  CHECK(err.find("after 4 attempts") != std::string::npos);
}

TEST_CASE("canonical form: a condition read back equals the one sent") {
  Json sent = {{"name", "CPU"}, {"enabled", true}, {"description", "d\nmanaged-by: monitorc"},
               {"nrql", {{"query", "SELECT 1 FROM X"}}},
               {"terms", Json::array({{{"priority", "WARNING"}, {"operator", "ABOVE"}, {"threshold", 70}, {"thresholdDuration", 300},
                                       {"thresholdOccurrences", "ALL"}},
                                      {{"priority", "CRITICAL"}, {"operator", "ABOVE"}, {"threshold", 90.5}, {"thresholdDuration", 300},
                                       {"thresholdOccurrences", "ALL"}}})},
               {"signal", {{"aggregationWindow", 60}, {"aggregationMethod", "EVENT_FLOW"}, {"aggregationDelay", 120}, {"fillOption", "NONE"}}},
               {"expiration", Json::object()}};
  Json read = Json::parse(R"({"id": "7", "name": "CPU", "type": "STATIC", "policyId": "1", "enabled": true,
    "description": "d\nmanaged-by: monitorc", "runbookUrl": null, "titleTemplate": null, "violationTimeLimitSeconds": 259200,
    "nrql": {"query": "SELECT 1 FROM X"},
    "terms": [{"operator": "ABOVE", "priority": "CRITICAL", "threshold": 90.5, "thresholdDuration": 300, "thresholdOccurrences": "ALL"},
              {"operator": "ABOVE", "priority": "WARNING", "threshold": 70.0, "thresholdDuration": 300, "thresholdOccurrences": "ALL"}],
    "signal": {"aggregationWindow": 60, "aggregationMethod": "EVENT_FLOW", "aggregationDelay": 120, "aggregationTimer": null,
               "fillOption": "NONE", "fillValue": null, "slideBy": null, "evaluationDelay": null},
    "expiration": {"expirationDuration": null, "openViolationOnExpiration": false, "closeViolationsOnExpiration": false,
                   "ignoreOnExpectedTermination": false}})");
  Json a = normalize(mon::engine::ObjKind::Monitor, {{"name", "CPU"}, {"conditionType", "STATIC"}, {"condition", sent}});
  Json b = normalize(mon::engine::ObjKind::Monitor, {{"name", "CPU"}, {"conditionType", "STATIC"}, {"condition", conditionInput(read)}});
  CHECK(a == b);
  // A changed threshold is a difference.
  read["terms"][1]["threshold"] = 71;
  Json c = normalize(mon::engine::ObjKind::Monitor, {{"name", "CPU"}, {"conditionType", "STATIC"}, {"condition", conditionInput(read)}});
  CHECK(a != c);
}

TEST_CASE("checkCondition: New Relic's rules") {
  Json c = {{"name", "x"}, {"nrql", {{"query", "SELECT 1 FROM X"}}},
            {"terms", Json::array({{{"priority", "CRITICAL"}, {"operator", "ABOVE"}, {"threshold", 1}, {"thresholdDuration", 120},
                                    {"thresholdOccurrences", "ALL"}}})},
            {"signal", {{"aggregationWindow", 60}}}};
  CHECK(checkCondition("STATIC", c) == "");
  Json odd = c;
  odd["terms"][0]["thresholdDuration"] = 90;
  CHECK(checkCondition("STATIC", odd).find("multiple of the 60s aggregation window") != std::string::npos);
  Json fill = c;
  fill["signal"]["fillOption"] = "STATIC";
  CHECK(checkCondition("STATIC", fill) == "a fillValue goes with fillOption STATIC, and only with it");
  Json below = c;
  below["terms"][0]["operator"] = "BELOW";
  below["baselineDirection"] = "UPPER_ONLY";
  CHECK(checkCondition("BASELINE", below).find("use ABOVE") != std::string::npos);
  CHECK(checkCondition("STATIC", below) == "baselineDirection belongs to baseline conditions");
}

TEST_CASE("NRQL string literals escape quotes and backslashes") {
  CHECK(nrqlString("Top page") == "'Top page'");
  CHECK(nrqlString("it's") == "'it\\'s'");
  CHECK(nrqlString("a\\b") == "'a\\\\b'");
}

TEST_CASE("canonical form: a dashboard read back equals the one sent") {
  Json sent = Json::parse(R"({"name": "Shop", "description": "memo\nmanaged-by: monitorc", "permissions": "PUBLIC_READ_WRITE",
    "pages": [{"name": "Shop", "widgets": [{"title": "T", "visualization": {"id": "viz.line"},
      "layout": {"column": 1, "row": 1, "width": 6, "height": 3},
      "rawConfiguration": {"nrqlQueries": [{"accountIds": [7], "query": "SELECT 1 FROM X"}], "yAxisLeft": {"min": 0}}}]}]})");
  // As NerdGraph answers: guids and ids added, keys in an order of its own, nulls for what was
  // not given.
  Json read = Json::parse(R"({"guid": "MXxE", "accountId": 7, "name": "Shop", "description": "memo\nmanaged-by: monitorc",
    "permissions": "PUBLIC_READ_WRITE", "dashboardParentGuid": null,
    "pages": [{"guid": "MXxQ", "name": "Shop", "description": null, "widgets": [{"id": "55", "title": "T",
      "visualization": {"id": "viz.line"}, "layout": {"height": 3, "width": 6, "row": 1, "column": 1},
      "rawConfiguration": {"yAxisLeft": {"min": 0}, "nrqlQueries": [{"query": "SELECT 1 FROM X", "accountIds": [7]}]}}]}]})");
  CHECK(canonicalDashboard(dashboardInput(read)) == canonicalDashboard(sent));
  Json moved = read;
  moved["pages"][0]["widgets"][0]["layout"]["column"] = 2;
  CHECK(canonicalDashboard(dashboardInput(moved)) != canonicalDashboard(sent));
}

TEST_CASE("dashboard source: the grid back to 24 columns, other charts in raw") {
  Json d = Json::parse(R"({"name": "Shop", "description": "memo\nmanaged-by: monitorc", "permissions": "PRIVATE",
    "pages": [{"name": "Shop", "widgets": [
      {"title": "Rate", "visualization": {"id": "viz.table"}, "layout": {"column": 7, "row": 2, "width": 6, "height": 3},
       "rawConfiguration": {"nrqlQueries": [{"accountIds": [7], "query": "SELECT 1 FROM X"}]}},
      {"title": "Custom", "visualization": {"id": "abc.my-viz"}, "layout": {"column": 1, "row": 1, "width": 2, "height": 3},
       "rawConfiguration": {"x": 1}}]}]})");
  std::string out;
  std::vector<std::string> warnings;
  REQUIRE(dashboardSource(d, "nr", 7, out, warnings));
  CHECK(out.find("url_path = \"shop\"") != std::string::npos);
  CHECK(out.find("memo = \"memo\"") != std::string::npos);
  CHECK(out.find("permissions = \"PRIVATE\"") != std::string::npos);
  CHECK(out.find("graph \"Rate\"") != std::string::npos);
  CHECK(out.find("visualization = \"viz.table\"") != std::string::npos);
  CHECK(out.find("x = 12\n    y = 1\n    width = 12") != std::string::npos);
  CHECK(out.find("nrqlQueries") == std::string::npos);  // the one query of the target's account is `query`
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("'Custom'") != std::string::npos);
  // Another account's query stays as given.
  out.clear();
  REQUIRE(dashboardSource(d, "nr", 8, out, warnings));
  CHECK(out.find("nrqlQueries") != std::string::npos);
  // Two pages do not fit one dashboard block.
  d["pages"].push_back(d["pages"][0]);
  CHECK_FALSE(dashboardSource(d, "nr", 7, out, warnings));
}
