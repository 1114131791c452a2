// monitorc's model of Mackerel's evaluation, checked against timelines worked out by hand (the
// working is in the comments), one per monitor kind; the series notation; and the promtool
// files and report reading of the Prometheus path.
#include <doctest/doctest.h>

#include "harness.h"
#include "mackerel/evaluate/evaluate.h"
#include "prometheus/promtool_run.h"
#include "support/series_notation.h"

using namespace mon;
using mackerel::evaluate::Level;

namespace {

struct Compiled {
  std::unique_ptr<Compilation> c;
  const ir::Monitor& monitor() const { return c->module.monitors.at(0); }
  std::vector<mackerel::evaluate::Series> inputs() const {
    std::vector<mackerel::evaluate::Series> out;
    const ir::Test& t = c->module.tests.at(0);
    for (const auto& in : t.inputs) out.push_back(mackerel::evaluate::fromInput(in, t.intervalSeconds));
    return out;
  }
};

Compiled compile(const std::string& text) {
  Compiled r{montest::compileText(text)};
  for (const auto& d : r.c->diags.all()) INFO(d.message);
  REQUIRE_FALSE(r.c->diags.hasErrors());
  return r;
}

// The subject's level at each whole minute 0..minutes, as words.
std::string timeline(const Compiled& c, const std::string& subject, int minutes) {
  std::string out;
  auto inputs = c.inputs();
  for (int m = 0; m <= minutes; ++m) {
    std::map<std::string, Level> states;
    std::string why;
    REQUIRE(mackerel::evaluate::levelsAt(c.monitor(), inputs, m * 60LL, states, why));
    auto it = states.find(subject);
    out += (out.empty() ? "" : " ") + std::string(mackerel::evaluate::levelName(it == states.end() ? Level::Ok : it->second));
  }
  return out;
}

// The subject's alert at each whole minute 0..minutes: "ok", or the level and its text,
// critical("503"); a level whose alert has no text shows as critical(-).
std::string alerts(const Compiled& c, const std::string& subject, int minutes) {
  std::string out;
  auto inputs = c.inputs();
  for (int m = 0; m <= minutes; ++m) {
    std::map<std::string, mackerel::evaluate::Alert> states;
    std::string why;
    REQUIRE(mackerel::evaluate::alertsAt(c.monitor(), inputs, m * 60LL, states, why));
    mackerel::evaluate::Alert a;
    if (auto it = states.find(subject); it != states.end()) a = it->second;
    out += out.empty() ? "" : " ";
    out += mackerel::evaluate::levelName(a.level);
    if (a.level != Level::Ok) out += a.hasText ? "(\"" + a.text + "\")" : "(-)";
  }
  return out;
}

std::string expand(const std::string& text) {
  std::vector<SeriesSample> s;
  std::string error;
  size_t at = 0, len = 0;
  if (!parseSeries(text, s, error, at, len)) return "error at " + std::to_string(at) + "+" + std::to_string(len) + ": " + error;
  std::string out;
  for (const auto& x : s) {
    if (!out.empty()) out += ' ';
    if (x.kind == SeriesSample::Kind::Missing) out += "_";
    else if (x.kind == SeriesSample::Kind::Stale) out += "stale";
    else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", x.value);
      out += buf;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("series notation reads as promtool reads it") {
  CHECK(expand("1 2 3") == "1 2 3");
  CHECK(expand("-2+4x3") == "-2 2 6 10");
  CHECK(expand("1-2x4") == "1 -1 -3 -5 -7");
  CHECK(expand("5x2") == "5 5 5");
  CHECK(expand("_x2 5x2 stale 7") == "_ _ 5 5 5 stale 7");
  CHECK(expand("1e3+1e2x1") == "1000 1100");
  CHECK(expand(" 0.5  _ ") == "0.5 _");
  CHECK(expand("1 2 abc") == "error at 4+3: 'abc' is not a number, '_', 'stale', 'AxN' or 'A+BxN'");
  CHECK(expand("1+1xz") == "error at 0+5: the count after 'x' in '1+1xz' must be a whole number");
  CHECK(expand("1x999999999").rfind("error at 0+11: '1x999999999' makes more than", 0) == 0);
  CHECK(expand("   ") == "error at 0+3: the series has no samples");
}

TEST_CASE("host monitor: average over duration, max_check_attempts, critical before warning") {
  // duration 3m: the check at minute T averages the points of T-2, T-1 and T.
  //   T:    0  1  2  3  4  5  6  7  8  9 10 11 12
  //   pt:   0  0  6  6  6 12 12 12 12  0  0  0  0
  //   avg:  0  0  2  4  6  8 10 12 12  8  4  0  0
  //   check ok ok ok ok W  W  C  C  C  W  ok ok ok   (4 is not > 4; 8 is not > 8)
  //   with 2 attempts the first failing check (T=4) does not alert yet; the first passing one closes.
  auto c = compile(R"MON(
monitor host "load" {
  metric = "loadavg5"
  operator = ">"
  warning = 4
  critical = 8
  duration = 3m
  max_check_attempts = 2
}
test "load" {
  input "loadavg5" { values = "0 0 6 6 6 12 12 12 12 0 0 0 0" labels = { host = "web-1" } }
  input "loadavg5" { values = "0x12" labels = { host = "web-2" } }
  expect "load" { at = 6m }
}
)MON");
  CHECK(timeline(c, "web-1", 12) == "ok ok ok ok ok warning critical critical critical warning ok ok ok");
  CHECK(timeline(c, "web-2", 12) == "ok ok ok ok ok ok ok ok ok ok ok ok ok");
}

TEST_CASE("host monitor: minutes without data are no check, and do not reset the attempts") {
  // duration 1m, 3 attempts, operator <: checks at 0 1 fail, 2-4 have no point, 5 fails (third).
  auto c = compile(R"MON(
monitor host "free" {
  metric = "memory.free"
  operator = "<"
  critical = 100
  duration = 1m
  max_check_attempts = 3
}
test "free" {
  input "memory.free" { values = "50 50 _x3 50 500" }
  expect "free" { at = 5m }
}
)MON");
  CHECK(timeline(c, "host", 6) == "ok ok ok ok ok critical ok");
}

TEST_CASE("connectivity monitor: gone after 5 minutes without any metric") {
  // web-1 posts at 0-3 and again from 10; the check at T is gone when T - last >= 5: 8 and 9.
  auto c = compile(R"MON(
monitor connectivity "alive" {
  alert_status_on_gone = warning
}
test "alive" {
  input "loadavg5" { values = "1x3 _x6 1x2" labels = { host = "web-1" } }
  input "loadavg5" { values = "1x12" labels = { host = "web-2" } }
  expect "alive" { at = 8m severity = warning labels = { host = "web-1" } }
}
)MON");
  CHECK(timeline(c, "web-1", 12) == "ok ok ok ok ok ok ok ok warning warning ok ok ok");
  CHECK(timeline(c, "web-2", 12) == "ok ok ok ok ok ok ok ok ok ok ok ok ok");
}

TEST_CASE("service monitor: the last N points, and missing_duration_critical") {
  // duration = 3 points. Points at 0-3 (10 60 60 60), none at 4-15, 200 at 16.
  //   T=0 avg 10, T=1 35, T=2 43.3: ok; T=3..15 the last three are 60 60 60: warning;
  //   the newest point is from T=3, so from T=13 (10 minutes quiet) critical;
  //   T=16: 60 60 200 averages 106.7: critical.
  auto c = compile(R"MON(
monitor service "orders" {
  service = "shop"
  metric = "orders.failed"
  operator = ">"
  warning = 50
  critical = 100
  duration = 3
  missing_duration_critical = 10m
}
test "orders" {
  input "orders.failed" { values = "10 60 60 60 _x12 200" labels = { service = "shop" } }
  expect "orders" { at = 16m }
}
)MON");
  CHECK(timeline(c, "", 16) ==
        "ok ok ok warning warning warning warning warning warning warning warning warning warning critical critical critical critical");
}

TEST_CASE("service monitor: max_check_attempts counts checks, not points") {
  // duration 1 point, 2 attempts: 200 arrives at T=2; checks at 2 and 3 both see it: critical at 3.
  auto c = compile(R"MON(
monitor service "errors" {
  service = "shop"
  metric = "errors"
  operator = ">"
  critical = 100
  duration = 1
  max_check_attempts = 2
}
test "errors" {
  input "errors" { values = "0 0 200 _ 0" }
  expect "errors" { at = 3m }
}
)MON");
  CHECK(timeline(c, "", 4) == "ok ok ok critical ok");
}

TEST_CASE("expression monitor: the value evaluate_backward_minutes ago") {
  // backward 2m: the check at T reads the point of T-2. Points 1 1 9 9 1 1 at 0-5.
  auto c = compile(R"MON(
monitor expression "slots" {
  expression = "max(role(shop:web, loadavg5))"
  operator = ">"
  critical = 5
}
test "slots" {
  input "max(role(shop:web, loadavg5))" { values = "1 1 9 9 1 1" }
  expect "slots" { at = 4m }
}
)MON");
  CHECK(timeline(c, "", 7) == "ok ok ok ok critical critical ok ok");
}

TEST_CASE("query monitor: one subject per series, no delay by default") {
  auto c = compile(R"MON(
monitor query "idle" {
  query = "cpu.idle{service.name=\"web\"}"
  operator = "<"
  warning = 20
  critical = 5
}
test "idle" {
  input "cpu.idle{service.name=\"web\"}" { values = "50 10 2 50" labels = { host = "a" } }
  expect "idle" { at = 2m }
}
)MON");
  CHECK(timeline(c, "host=a", 3) == "ok warning critical ok");
}

TEST_CASE("external monitor: status, timeouts and max_check_attempts") {
  // expected_status_code 200, 2 attempts. The alert's text is the check's that opened it.
  //   T:      0   1   2   3   4   5   6   7   8   9   10
  //   status  200 200 503 200 503 503 0   0   _   200 301
  //   check   ok  ok  C   ok  C   C   C   C   -   ok  C     (0: no response; 301 is not 200)
  //   alert   ok  ok  ok  ok  ok  C   C   C   C   ok  ok    (opened at 5 by the second 503)
  auto c = compile(R"MON(
monitor external "shop" {
  url = "https://shop.example.com/health"
  expected_status_code = 200
  max_check_attempts = 2
}
test "shop" {
  input "external.status" { values = "200 200 503 200 503 503 0 0 _ 200 301" }
  expect "shop" { at = 5m message = "503" }
}
)MON");
  CHECK(alerts(c, "", 10) ==
        "ok ok ok ok ok critical(\"503\") critical(\"503\") critical(\"503\") critical(\"503\") ok ok");
}

TEST_CASE("external monitor: without expected_status_code any 2xx or 3xx passes; a timeout is critical") {
  // One attempt. 204 and 302 pass, 404 fails; 15000 ms is the checker's timeout (no thresholds
  // are set, so the response time counts only as the request's end).
  auto c = compile(R"MON(
monitor external "site" { url = "http://example.com/" }
test "site" {
  input "external.status" { values = "204 302 404 200 200 200" }
  input "external.response_time" { values = "100x3 15000 100" }
  expect "site" { at = 2m }
}
)MON");
  CHECK(alerts(c, "", 5) == "ok ok critical(\"404\") ok critical(\"HTTP request timed out\") ok");
}

TEST_CASE("external monitor: response time averaged over response_time_duration") {
  // 3-minute average, warning 1 s, critical 3 s; the text is the average in ms (Mackerel's value).
  //   T:   0    1    2    3     4     5     6     7    8
  //   ms   600  600  600  1800  1800  6000  6000  600  600
  //   avg  600  600  600  1000  1400  3200  4600  4200 2400
  //   lvl  ok   ok   ok   ok    W     C     C     C    W     (1000 is not above 1000)
  auto c = compile(R"MON(
monitor external "api" {
  url = "https://api.example.com/"
  service = "shop"
  response_time_warning = 1s
  response_time_critical = 3s
  response_time_duration = 3m
}
test "api" {
  input "external.response_time" { values = "600x2 1800x1 6000x1 600x1" }
  expect "api" { at = 5m message = "3200" }
}
)MON");
  CHECK(alerts(c, "", 8) ==
        "ok ok ok ok warning(\"1400\") critical(\"3200\") critical(\"3200\") critical(\"3200\") warning(\"2400\")");
}

TEST_CASE("external monitor: certificate days left, body text, and the url label") {
  // warning below 30 days, critical below 7; the body must hold "ok". An input labelled with
  // another url is another monitor's and is not read.
  //   T:     0   1   2   3   4
  //   days   31  30  29  29  6
  //   body   1   1   1   1   0
  //   check  ok  ok  W   W   C  (the body and the certificate both critical: the body's text wins)
  auto c = compile(R"MON(
monitor external "www" {
  url = "https://www.example.com/"
  contains_string = "ok"
  certification_expiration_warning = 30d
  certification_expiration_critical = 7d
}
test "www" {
  input "external.certificate_days" { values = "31 30 29 29 6" labels = { url = "https://www.example.com/" } }
  input "external.contains" { values = "1x3 0" }
  input "external.status" { values = "500x4" labels = { url = "https://other.example.com/" } }
  expect "www" { at = 2m severity = warning message = "certificate expires in 29 days" }
}
)MON");
  CHECK(alerts(c, "", 4) ==
        "ok ok warning(\"certificate expires in 29 days\") warning(\"certificate expires in 29 days\") "
        "critical(\"response body does not contain \"ok\"\")");
}

TEST_CASE("external monitor: an expired certificate is invalid, unless verification is skipped; http has none") {
  auto verified = compile(R"MON(
monitor external "a" { url = "https://a.example.com/" }
test "a" {
  input "external.certificate_days" { values = "3 0 -2" }
  expect "a" { at = 1m }
}
)MON");
  CHECK(alerts(verified, "", 2) == "ok critical(\"certificate expired\") critical(\"certificate expired\")");
  auto skipped = compile(R"MON(
monitor external "a" {
  url = "https://a.example.com/"
  skip_certificate_verification = true
}
test "a" {
  input "external.certificate_days" { values = "3 0 -2" }
  expect "a" { at = 1m severity = ok }
}
)MON");
  CHECK(alerts(skipped, "", 2) == "ok ok ok");
  auto plain = compile(R"MON(
monitor external "a" {
  url = "http://a.example.com/"
  certification_expiration_critical = 30d
}
test "a" {
  input "external.certificate_days" { values = "3 0" }
  expect "a" { at = 1m severity = ok }
}
)MON");
  CHECK(alerts(plain, "", 1) == "ok ok");
}

TEST_CASE("alert text: host, service and expression alerts say metric, value and threshold") {
  // The host alert opens at T=2 (average 6 > 4: warning) and turns critical at T=3 (average
  // 10 > 8); its text is that of the check that set its level.
  auto host = compile(R"MON(
monitor host "load" {
  metric = "loadavg5"
  operator = ">"
  warning = 4
  critical = 8
  duration = 1m
}
test "load" {
  input "loadavg5" { values = "0 0 6 10 9.5 0" labels = { host = "web-1" } }
  expect "load" { at = 3m }
}
)MON");
  CHECK(alerts(host, "web-1", 5) ==
        "ok ok warning(\"loadavg5 6.00 > 4.00\") critical(\"loadavg5 10.00 > 8.00\") "
        "critical(\"loadavg5 10.00 > 8.00\") ok");
  auto service = compile(R"MON(
monitor service "free" {
  service = "shop"
  metric = "stock.free"
  operator = "<"
  critical = 10
  duration = 1
  missing_duration_warning = 10m
}
test "free" {
  input "stock.free" { values = "20 2.3456 _x10" }
  expect "free" { at = 1m }
}
)MON");
  // 2.3456 < 10 is critical at 1 and stays open at 2 (the last point is still the newest).
  CHECK(alerts(service, "", 2) == "ok critical(\"stock.free 2.35 < 10.00\") critical(\"stock.free 2.35 < 10.00\")");
  auto expr = compile(R"MON(
monitor expression "slots" {
  expression = "max(role(shop:web, loadavg5))"
  operator = ">"
  warning = 5
}
test "slots" {
  input "max(role(shop:web, loadavg5))" { values = "1 7.1254 1 1" }
  expect "slots" { at = 3m severity = warning }
}
)MON");
  // Read two minutes back: the check at 3 sees the point of 1.
  CHECK(alerts(expr, "", 3) == "ok ok ok warning(\"max(role(shop:web, loadavg5)) 7.13 > 5.00\")");
}

TEST_CASE("alert text: a connectivity alert has none") {
  auto c = compile(R"MON(
monitor connectivity "alive" {}
test "alive" {
  input "loadavg5" { values = "1 _x6" labels = { host = "a" } }
  expect "alive" { at = 5m }
}
)MON");
  CHECK(alerts(c, "a", 5) == "ok ok ok ok ok critical(-)");
}

TEST_CASE("a message where no alert can carry one is reported at its place") {
  auto c = montest::compileText(R"MON(
monitor host "load" {
  metric = "loadavg5"
  operator = ">"
  critical = 8
  duration = 1m
}
alert "Down" { expr = "up == 0" }
test "ok has no text" {
  input "loadavg5" { values = "1" }
  expect "load" { at = 0m severity = ok message = "loadavg5 1.00 > 8.00" }
}
test "alert block" {
  input "up" { values = "0" }
  expect "Down" { at = 0m message = "down" }
}
test "fine" {
  input "loadavg5" { values = "9" }
  expect "load" { at = 0m message = "loadavg5 9.00 > 8.00" }
}
)MON");
  CHECK(montest::codes(c->diags) ==
        std::vector<std::string>{"err_test_message_without_alert", "err_test_message_alert_block"});
  REQUIRE(c->module.tests.size() == 2);  // "alert block" and "fine"; the first is not lowered
  const auto& fine = c->module.tests.at(1).expects.at(0);
  CHECK(fine.messageGiven);
  CHECK(fine.message == "loadavg5 9.00 > 8.00");
}

TEST_CASE("anomaly detection monitors are not evaluated, and say why") {
  auto c = compile(R"MON(
monitor anomaly_detection "odd" {
  scopes = ["shop:web"]
  warning_sensitivity = normal
}
test "odd" {
  input "x" { values = "1" }
  expect "odd" { at = 0m severity = ok }
}
)MON");
  std::map<std::string, Level> states;
  std::string why;
  CHECK_FALSE(mackerel::evaluate::levelsAt(c.monitor(), c.inputs(), 0, states, why));
  CHECK(why.find("not publish") != std::string::npos);
}

TEST_CASE("promtool files: the monitor's rules, its labels and annotations, grouped by time and name") {
  auto c = compile(R"MON(
monitor query "api errors" {
  query = "rate(http_errors_total[5m])"
  operator = ">"
  warning = 1
  critical = 10
  for_duration = 60
  labels = { team = "web" }
  memo = "Errors {{ not a template }}"
}
test "api errors" {
  interval = 30s
  input "http_errors_total" { values = "0+600x20" labels = { job = "api" } }
  expect "api errors" { at = 5m labels = { job = "api" } }
  expect "api errors" { at = 1m severity = ok }
}
)MON");
  auto files = prometheus::ruleTestFiles(c.c->module, c.c->module.tests.at(0));
  CHECK(files.rules.find("alert: \"api errors\"") != std::string::npos);
  REQUIRE(files.cases.size() == 2);
  CHECK(files.cases[0].atSeconds == 300);
  CHECK(files.cases[1].atSeconds == 60);
  CHECK(files.tests.find("interval: \"30s\"") != std::string::npos);
  CHECK(files.tests.find("series: \"http_errors_total{job=\\\"api\\\"}\"") != std::string::npos);
  // critical: the critical rule and the warning rule both fire; each with the monitor's labels
  // and its memo rendered (the template braces were escaped for Prometheus, so they stay literal).
  auto at5 = files.tests.find("eval_time: \"5m\"");
  auto at1 = files.tests.find("eval_time: \"1m\"");
  REQUIRE(at5 != std::string::npos);
  REQUIRE(at1 != std::string::npos);
  std::string five = files.tests.substr(at5, at1 - at5);
  CHECK(five.find("\"severity\": \"critical\"") != std::string::npos);
  CHECK(five.find("\"severity\": \"warning\"") != std::string::npos);
  CHECK(five.find("\"team\": \"web\"") != std::string::npos);
  CHECK(five.find("\"description\": \"Errors {{ not a template }}\"") != std::string::npos);
  CHECK(files.tests.substr(at1).find("exp_alerts: []") != std::string::npos);
}

TEST_CASE("promtool's report: each failed case with its name, time and exp/got") {
  const std::string out =
      "Unit Testing:  t.yml\n  FAILED:\n    name: my test,\n    alertname: High, time: 1m, \n        exp:[\n"
      "            0:\n              Labels:{alertname=\"High\", severity=\"critical\"}\n"
      "              Annotations:{}\n            ], \n        got:[]\n"
      "    name: my test,\n    alertname: High, time: 1h2m30s, \n        exp:[], \n        got:[]\n";
  auto f = prometheus::parsePromtoolReport(out);
  REQUIRE(f.size() == 2);
  CHECK(f[0].alertname == "High");
  CHECK(f[0].atSeconds == 60);
  CHECK(f[0].detail.find("severity=\"critical\"") != std::string::npos);
  CHECK(f[0].detail.find("got:[]") != std::string::npos);
  CHECK(f[1].atSeconds == 3750);
}
