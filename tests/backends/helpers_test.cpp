// Unit tests of the Prometheus/Grafana backend helpers: numbers, durations, quoting, uids.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include "backend.h"

// Sources with targets compile as in monitorc: the checker knows the backends' target kinds.
static const bool kTargetKindsInstalled = (mon::installTargetKinds(), true);
#include <nlohmann/json.hpp>

#include <cstdio>
#include <vector>

#include "grafana/grafana.h"
#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "prometheus/promql.h"
#include "prometheus/rules.h"
#include "support/prometheus_names.h"

using namespace mon;

TEST_CASE("numbers are the shortest text that reads back exactly") {
  CHECK(promql::number(90) == "90");
  CHECK(promql::number(-5) == "-5");
  CHECK(promql::number(0.1) == "0.1");
  CHECK(promql::number(90.5) == "90.5");
  CHECK(promql::number(1.0 / 3) == "0.3333333333333333");
  CHECK(std::stod(promql::number(1e-7)) == 1e-7);
}

TEST_CASE("whole numbers are written as printf's %.0f writes them, -0 and the edges included") {
  auto printed = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return std::string(buf);
  };
  std::vector<double> values = {0, -0.0, 1, -1, 90, 100, 65535, -2147483648.0, 4294967296.0, 999999999999999.0,
                                -999999999999999.0, 123456789012345.0};
  for (double v = 1; v < 1e15; v = v * 7 + 3) values.push_back(v), values.push_back(-v);
  for (double v : values) {
    CAPTURE(v);
    CHECK(promql::number(v) == printed(v));
  }
  CHECK(promql::number(-0.0) == "-0");
  CHECK(promql::number(1e15) == "1e+15");  // from here on, the shortest exact form
}

TEST_CASE("durations in Prometheus and .mon syntax") {
  CHECK(promql::duration(0) == "0s");
  CHECK(promql::duration(90) == "1m30s");
  CHECK(promql::duration(300) == "5m");
  CHECK(promql::duration(5400) == "1h30m");
  CHECK(promql::duration(172800) == "2d");
}

TEST_CASE("YAML quoting escapes what YAML would read as a line break or reject") {
  CHECK(prometheus::yamlQuote("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
  CHECK(prometheus::yamlQuote("x\xE2\x80\xA8y") == "\"x\\u2028y\"");
  CHECK(prometheus::yamlQuote("\xC2\x85") == "\"\\u0085\"");
  CHECK(prometheus::yamlQuote("\x7F") == "\"\\u007F\"");
  CHECK(prometheus::yamlQuote("日本") == "\"日本\"");
  // ASCII takes a direct path; it must quote every byte as the JSON serializer does (DEL aside).
  for (int c = 0; c < 0x80; ++c) {
    std::string s = std::string("a") + char(c) + "b";
    std::string viaJson = nlohmann::json(s).dump();
    if (c == 0x7F) viaJson = "\"a\\u007Fb\"";
    CAPTURE(c);
    CHECK(prometheus::yamlQuote(s) == viaJson);
  }
  CHECK(prometheus::yamlQuote("true") == "\"true\"");
  // Long strings are scanned eight bytes at a time: every byte at every place in a word, and a
  // non-ASCII byte late in a long string after escapes already written.
  for (int c = 0; c < 0x100; ++c)
    for (size_t at : {0, 3, 7, 8, 15, 16, 22}) {
      std::string s(24, 'x');
      s[at] = char(c);
      std::string viaJson = nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      CAPTURE(c);
      CAPTURE(at);
      if (c == 0x7F) viaJson.replace(at + 1, 1, "\\u007F");
      if (c < 0x80) CHECK(prometheus::yamlQuote(s) == viaJson);
      else CHECK(prometheus::yamlQuote(s) == std::string(s).replace(at, 1, "\xEF\xBF\xBD").insert(0, 1, '"').append(1, '"'));  // a lone byte is not UTF-8: U+FFFD
    }
  CHECK(prometheus::yamlQuote("quote \" and tab \t then 日本 at the end") ==
        "\"quote \\\" and tab \\t then 日本 at the end\"");
}

TEST_CASE("Go template escaping round trips") {
  std::string s = "route {{route}} and {{ $labels.x }}";
  std::string e = prometheus::escapeTemplate(s);
  CHECK(e == "route {{ \"{{\" }}route}} and {{ \"{{\" }} $labels.x }}");
  CHECK(prometheus::unescapeTemplate(e) == s);
  CHECK(prometheus::escapeTemplate("no braces") == "no braces");
}

TEST_CASE("a value is parenthesised only where a comparison after it would bind otherwise") {
  for (const char* alone : {"up", "up{job=\"a\"}", "rate(x[5m])", "a + b", "x{a=\"}\"}", "sum by (job) (rate(x[5m])) * 100",
                            "x{a=\"<b and c>\"}", "histogram_quantile(0.9, sum by (le) (rate(b[5m])))", "x offset 1d",
                            "-x", "a / on(i) group_left b"})
    CHECK_MESSAGE(promql::standsAsLeftOperand(alone), alone);
  for (const char* not_alone : {"a > 1", "a == b", "a != b", "a <= 1", "a and b", "a or b", "a unless b", "a > bool 1",
                                "a # note", "(a", "a)", "x{a=\"b}", "", "  "})
    CHECK_MESSAGE(!promql::standsAsLeftOperand(not_alone), not_alone);
  promql::Condition c{"critical", "a + b", ">", 1.5, 0, ""};
  CHECK(promql::comparison(c) == "a + b > 1.5");
  c.value = "a or b";
  CHECK(promql::comparison(c) == "(a or b) > 1.5");
}

// standsAsLeftOperand() spells out scanOutsideStrings()'s walk with a table; it must answer as
// the walk does for every string, so both are compared on all short strings over the bytes that
// matter (quotes, escapes, brackets, comments, comparisons, the letters of `and` and `or`).
TEST_CASE("standsAsLeftOperand answers as the generic walk over PromQL text") {
  auto byWalk = [](const std::string& s) {
    promql::Scan r = promql::scanOutsideStrings(s, [&](size_t i, int depth) {
      char c = s[i];
      if (c == '#') return false;
      return depth != 0 || !(c == '>' || c == '<' || c == '=' || c == '!' || promql::looseOperatorAt(s, i));
    });
    return !r.stopped && !r.unbalanced && r.depth == 0 && !r.inString && s.find_first_not_of(" \t\r\n") != std::string::npos;
  };
  const std::string alphabet = "and or()\"\\#>{]";
  size_t compared = 0, differ = 0;
  std::string s;
  for (size_t len = 0; len <= 5; ++len) {
    std::vector<size_t> at(len, 0);
    for (;;) {
      s.assign(len, ' ');
      for (size_t k = 0; k < len; ++k) s[k] = alphabet[at[k]];
      ++compared;
      if (promql::standsAsLeftOperand(s) != byWalk(s) && ++differ <= 5) FAIL_CHECK("differs on: " << s);
      size_t k = 0;
      while (k < len && ++at[k] == alphabet.size()) at[k++] = 0;
      if (k == len) break;
    }
  }
  CHECK(compared > 100000);
  CHECK(differ == 0);
  for (const char* q : {"sum by (instance) (rate(http_requests_total{job=\"a\", code=~\"5..\"}[5m])) / sum(x)",
                        "x{a='b\\'c'} or y", "`raw ( string` + 1", "count(up == bool 1)", "z{l=\"and\"} unless w"})
    CHECK_MESSAGE(promql::standsAsLeftOperand(q) == byWalk(q), q);
}

TEST_CASE("scopes become service/role matchers") {
  CHECK(promql::scopeMatchers("shop") == "service=\"shop\"");
  CHECK(promql::scopeMatchers("shop: web") == "service=\"shop\", role=\"web\"");
  CHECK(promql::scopeMatchers("shop:web") == "service=\"shop\", role=\"web\"");
}

TEST_CASE(".mon literals") {
  CHECK(source::quote("a\"${x}$y\n") == "\"a\\\"\\${x}$y\\n\"");
  CHECK(source::key("team") == "team");
  CHECK(source::key("for") == "\"for\"");
  CHECK(source::key("a-b") == "\"a-b\"");
  CHECK(source::value(ir::Json::parse(R"({"a":[1,true,null,"s"],"b-c":{}})")) == "{ a = [1, true, null, \"s\"], \"b-c\" = {} }");
}

TEST_CASE("dashboard uids are stable, unique per path and at most 40 characters") {
  CHECK(grafana::dashboardUid("plain_uid") == "plain_uid");
  std::string a = grafana::dashboardUid("a/b"), b = grafana::dashboardUid("a-b"), c = grafana::dashboardUid("a/b");
  CHECK(a != b);
  CHECK(a == c);
  CHECK(grafana::dashboardUid(std::string(60, 'x')).size() <= 40);
  CHECK(grafana::dashboardUid(std::string(60, 'x')) != grafana::dashboardUid(std::string(61, 'x')));
}

TEST_CASE("import rejects what is not a rule file or dashboard") {
  std::string src, err;
  std::vector<std::string> warn;
  CHECK_FALSE(prometheus::importRules("groups: [", src, warn, err));
  CHECK(err.find(":1: not YAML: end of sequence flow not found") != std::string::npos);
  CHECK_FALSE(prometheus::importRules("a: 1", src, warn, err));
  CHECK_FALSE(grafana::importDashboard("{", src, warn, err));
  CHECK_FALSE(grafana::importDashboard("{\"title\":\"x\"}", src, warn, err));
  CHECK(prometheus::importRules("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: x > 1\n    for: 500ms\n", src, warn, err));
  REQUIRE(warn.size() == 1);  // Prometheus checks `for` at evaluations: 500ms behaves as 1s
  CHECK(warn[0].find("'for' 500ms written as 1s") != std::string::npos);
  CHECK(src.find("for_duration = 1s") != std::string::npos);
}

TEST_CASE("dashboard import reports fields of an unexpected type instead of crashing") {
  std::string src, err;
  std::vector<std::string> warn;
  CHECK_FALSE(grafana::importDashboard(R"({"uid":"u","panels":[{"type":"stat","gridPos":{"x":"a"}}]})", src, warn, err));
  CHECK(err.find("unexpected dashboard shape") == 0);
  // Options of another shape are the panel's own: kept as written, not read.
  CHECK(grafana::importDashboard(R"({"uid":"u","panels":[{"type":"text","options":[1]}]})", src, warn, err));
  CHECK(src.find("options = [1]") != std::string::npos);
  CHECK(grafana::importDashboard(R"({"uid":"u","title":"t","panels":[1,"x",{"type":"row","panels":[]}]})", src, warn, err));
}

TEST_CASE("rule import skips odd shapes with an error, not a crash") {
  std::string src, err;
  std::vector<std::string> warn;
  CHECK_FALSE(prometheus::importRules("groups:\n- name: g\n  rules: [1, 2]\n", src, warn, err));
  CHECK(err.find("unexpected rule file shape") == 0);
  CHECK(prometheus::importRules("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: x > 1\n    labels: {a: [1]}\n", src, warn, err));
}

// One definition (compiler/support/prometheus_names.h) for lowering and the Prometheus backend.
TEST_CASE("Prometheus metric and label names") {
  CHECK(isLabelName("job"));
  CHECK(isLabelName("_x9"));
  CHECK_FALSE(isLabelName(""));
  CHECK_FALSE(isLabelName("9x"));
  CHECK_FALSE(isLabelName("a:b"));
  CHECK_FALSE(isLabelName("a-b"));
  CHECK_FALSE(isLabelName("\xc3\xa9t\xc3\xa9"));  // ASCII letters only
  CHECK(isMetricName("job:up:sum"));
  CHECK(isMetricName(":x"));
  CHECK_FALSE(isMetricName("1x"));
  CHECK_FALSE(isMetricName("a.b"));
}

TEST_CASE("Grafana uids and path segments") {
  CHECK(grafana::validUid("ops"));
  CHECK(grafana::validUid("mc-0123456789abcdef"));
  CHECK(grafana::validUid(std::string(40, 'a')));
  CHECK_FALSE(grafana::validUid(std::string(41, 'a')));
  CHECK_FALSE(grafana::validUid(""));
  CHECK_FALSE(grafana::validUid("../x"));
  CHECK_FALSE(grafana::validUid("a b"));
  CHECK_FALSE(grafana::validUid("a.b"));
  CHECK_FALSE(grafana::validUid(std::string("a\0b", 3)));
  CHECK(grafana::pathSegment("team-a_1") == "team-a_1");
  CHECK(grafana::pathSegment("team a/b") == "team%20a%2Fb");
  CHECK(grafana::pathSegment("..") == "%2E%2E");
  CHECK(grafana::pathSegment("?#%") == "%3F%23%25");
  CHECK(grafana::pathSegment("\xc3\xa9") == "%C3%A9");
  // A url_path that is a uid is kept; any other becomes one.
  CHECK(grafana::dashboardUid("ops-board") == "ops-board");
  CHECK(grafana::validUid(grafana::dashboardUid("../../a dashboard/with a long path name")));
}
