// Library-level tests of the Mackerel importer (what `monitorc pull` calls): literals and
// durations, the layout planner, JSON parsing, and importMackerelSource without any I/O.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>

#include "mackerel/import.h"
#include "mackerel/import_layout.h"
#include "mackerel/import_writer.h"

using namespace mon::mackerel;
using mon::camelCase;

namespace {

std::string importText(const std::string& monitors, std::vector<std::string>* warningsOut = nullptr) {
  std::vector<std::string> warnings;
  std::string out = importMackerelSource(ImportJson::parse(monitors), {}, warnings);
  if (warningsOut) *warningsOut = warnings;
  return out;
}

WidgetBox box(int x, int y, int w, int h, int defaultH = 8) { return WidgetBox{true, x, y, w, h, defaultH}; }

}  // namespace

TEST_CASE("durations use the largest single exact unit, days stay days") {
  CHECK(durationLiteral(60, 60000) == "1h");
  CHECK(durationLiteral(90, 60000) == "90m");  // one exact unit when there is one
  CHECK(durationLiteral(10080, 60000) == "7d");
  CHECK(durationLiteral(0, 60000) == "0m");
  CHECK(durationLiteral(3000, 1) == "3s");
  CHECK(durationLiteral(1500, 1) == "1500ms");
  CHECK(durationLiteral(14, 86400000) == "14d");
  CHECK(durationLiteral(0, 86400000) == "0d");
  CHECK(durationLiteral(1800, 1000) == "30m");
  CHECK(durationLiteral(2.5, 60000).empty());
  CHECK(durationLiteral(-1, 60000).empty());
  CHECK(durationLiteral("5", 60000).empty());
}

TEST_CASE("strings, keys and numbers read back as the same value") {
  CHECK(stringLiteral("a \"b\" \\ ${x} $y\n\t") == "\"a \\\"b\\\" \\\\ \\${x} $y\\n\\t\"");
  CHECK(keyLiteral("futureField") == "futureField");
  CHECK(keyLiteral("Cache-Control") == "\"Cache-Control\"");
  CHECK(keyLiteral("if") == "\"if\"");
  CHECK(numberLiteral(ImportJson::parse("1e21")) == "1e+21");
  CHECK(numberLiteral(ImportJson::parse("0.000001")) == "0.000001");
  CHECK(numberLiteral(ImportJson::parse("-20.5")) == "-20.5");
  CHECK(numberLiteral(ImportJson::parse("60000000000")) == "60000000000");
  CHECK(snakeCase("certificationExpirationWarning") == "certification_expiration_warning");
  CHECK(camelCase("max_check_attempts") == "maxCheckAttempts");
}

TEST_CASE("layout: a full row of equal shares needs no width, no height at the default") {
  LayoutPlan p = planLayout({box(0, 0, 8, 8), box(8, 0, 8, 8), box(16, 0, 8, 8)});
  REQUIRE(p.items.size() == 1);
  CHECK(p.items[0].row);
  CHECK(p.items[0].rowHeight == 0);
  for (const auto& f : p.fields) CHECK((!f.x && !f.y && !f.width && !f.height));
}

TEST_CASE("layout: the last widget of a full row takes the rest; a common height goes on the row") {
  LayoutPlan p = planLayout({box(0, 0, 16, 5, 4), box(16, 0, 8, 5, 4)});
  REQUIRE(p.items.size() == 1);
  CHECK(p.items[0].rowHeight == 5);
  CHECK(p.fields[0].width);
  CHECK_FALSE(p.fields[1].width);
  CHECK_FALSE(p.fields[0].height);
}

TEST_CASE("layout: a row that does not start at the next free line is pinned") {
  // Second row starts at y=10 while the first one ends at y=8: a gap.
  LayoutPlan p = planLayout({box(0, 0, 24, 8), box(0, 10, 12, 8), box(12, 10, 12, 8)});
  REQUIRE(p.items.size() == 3);
  CHECK_FALSE(p.fields[0].x);
  CHECK((p.fields[1].x && p.fields[1].y && p.fields[1].width && p.fields[1].height));
  CHECK((p.fields[2].x && p.fields[2].y));
  // After pinned widgets the next row at their bottom flows again.
  LayoutPlan q = planLayout({box(6, 0, 6, 6), box(0, 6, 24, 8)});
  CHECK(q.fields[0].x);
  CHECK_FALSE(q.fields[1].x);
}

TEST_CASE("layout: widgets out of order keep their order and are pinned") {
  LayoutPlan p = planLayout({box(0, 8, 24, 8), box(0, 0, 24, 8)});
  REQUIRE(p.items.size() == 2);
  CHECK(p.fields[0].y);
  CHECK(p.fields[1].y);
  CHECK(p.items[0].widgets[0] == 0);
}

TEST_CASE("layout: mixed heights in a row name only the ones that differ from the tallest") {
  // markdown default height 4, value default 4: tallest 14 must be said on the row.
  LayoutPlan p = planLayout({box(0, 0, 6, 14, 4), box(6, 0, 12, 7, 8), box(18, 0, 6, 7, 4)});
  CHECK(p.items[0].rowHeight == 14);
  CHECK_FALSE(p.fields[0].height);
  CHECK(p.fields[1].height);
  CHECK(p.fields[2].height);
}

TEST_CASE("parseImportJson skips a BOM and reports the byte offset in the original text") {
  ImportJson j;
  std::string error;
  size_t offset = 0;
  CHECK(parseImportJson("\xEF\xBB\xBF{\"monitors\": []}", j, error, offset));
  CHECK(j["monitors"].empty());
  CHECK_FALSE(parseImportJson("\xEF\xBB\xBF{\"a\": 1,}", j, error, offset));
  CHECK(offset == 11);  // the '}' after the comma, counting the 3 BOM bytes
  CHECK(error.find("syntax error") != std::string::npos);
}

TEST_CASE("monitors: defaults left out, durations with units, unnamed connectivity") {
  std::string out = importText(R"({"monitors": [
    {"id": "x", "name": "connectivity", "type": "connectivity", "alertStatusOnGone": "CRITICAL",
     "isMute": false, "scopes": [], "excludeScopes": []},
    {"id": "y", "name": "load", "type": "host", "isMute": false, "notificationInterval": 60,
     "metric": "loadavg5", "operator": ">", "warning": null, "critical": 8, "duration": 5,
     "maxCheckAttempts": 1, "scopes": ["Blog: app"]}]})");
  CHECK(out ==
        "monitor connectivity {}\n"
        "\n"
        "monitor host \"load\" {\n"
        "  metric = \"loadavg5\"\n"
        "  operator = \">\"\n"
        "  critical = 8\n"
        "  duration = 5m\n"
        "  scopes = [\"Blog: app\"]\n"
        "  notification_interval = 1h\n"
        "}\n");
}

TEST_CASE("monitors: the source does not depend on the key order of the JSON") {
  std::string a = importText(R"({"monitors": [{"type": "service", "name": "s", "service": "Blog", "metric": "m",
    "operator": "<", "warning": 1, "critical": null, "duration": 3, "maxCheckAttempts": 2}]})");
  std::string b = importText(R"({"monitors": [{"maxCheckAttempts": 2, "duration": 3, "critical": null,
    "warning": 1, "operator": "<", "metric": "m", "service": "Blog", "name": "s", "type": "service"}]})");
  CHECK(a == b);
  CHECK(a.find("duration = 3\n") != std::string::npos);  // points, not minutes
}

TEST_CASE("monitors: unknown fields go to raw with a warning, unknown types are skipped") {
  std::vector<std::string> w;
  std::string out = importText(R"({"monitors": [
    {"type": "expression", "name": "e", "expression": "x", "operator": ">", "warning": 1, "critical": null, "foo": 1},
    {"type": "check", "name": "c"}]})",
                               &w);
  CHECK(out.find("raw = { foo = 1 }") != std::string::npos);
  REQUIRE(w.size() == 2);
  CHECK(w[0] == "monitor 'e': field 'foo' is not known; kept in raw");
  CHECK(w[1].find("monitor 'c': type 'check' is not one of the seven types") == 0);
  CHECK(w[1].find("skipped") != std::string::npos);
}

TEST_CASE("dashboards: mkr's null placeholders are ignored; ids and times dropped") {
  std::vector<std::string> warnings;
  ImportJson d = ImportJson::parse(R"({"id": "1", "title": "T", "urlPath": "t", "createdAt": 1, "updatedAt": 2,
    "memo": "", "widgets": [{"type": "markdown", "title": "", "layout": {"x": 0, "y": 0, "width": 24, "height": 4},
    "metric": null, "graph": null, "range": null, "markdown": "hi"}]})");
  std::string out = importMackerelSource(nullptr, {d}, warnings);
  CHECK(warnings.empty());
  CHECK(out ==
        "dashboard \"T\" {\n"
        "  url_path = \"t\"\n"
        "  markdown {\n"
        "    text = \"hi\"\n"
        "  }\n"
        "}\n");
}

// Routing objects as `monitorc pull` hands them over: the plans' form, names for ids.
TEST_CASE("routing: pull's plan form becomes channels, routes and windows in UTC") {
  RoutingInput in;
  in.channels = {ImportJson::parse(R"({"id": "c1", "type": "slack", "name": "ops", "memo": "",
                   "url": {"secret": "sha256:0011223344556677"}, "mentions": {}, "enabledGraphImage": false,
                   "events": ["alert"]})")};
  in.groups = {ImportJson::parse(R"({"id": "g1", "name": "pages", "notificationLevel": "critical",
                 "childNotificationGroupIds": [], "childChannelIds": ["ops", "id:gone"],
                 "monitors": [{"id": "cpu", "skipDefault": true}], "services": []})")};
  // Sunday 03:00 in Tokyo, as monitorc sends it: Saturday 18:00 in UTC.
  in.downtimes = {ImportJson::parse(R"({"id": "d1", "name": "backup", "start": 1767463200, "duration": 90,
                    "recurrence": {"type": "weekly", "interval": 1, "weekdays": ["Sunday"]},
                    "serviceScopes": [], "roleScopes": ["shop:db"], "monitorScopes": []})"),
                  ImportJson::parse(R"({"id": "d2", "name": "once", "start": 1798639200, "duration": 240,
                    "monitorScopes": ["cpu"], "memo": "why\nmanaged-by: monitorc"})")};
  std::vector<std::string> warnings;
  std::string out;
  importRouting(in, {"cpu"}, out, warnings);
  CHECK(out.find("channel slack \"ops\" {\n  channel = \"\"\n  api_url_env = \"OPS_SLACK_WEBHOOK_URL\"\n}") != std::string::npos);
  CHECK(out.find("sha256") == std::string::npos);
  CHECK(out.find("route \"pages\" {\n  channels = [\"ops\"]\n  severity = [\"critical\"]\n  monitors = [\"cpu\"]\n  continue = true\n}") !=
        std::string::npos);
  CHECK(out.find("maintenance \"backup\" {\n  weekdays = [\"sat\"]\n  start = \"18:00\"\n  end = \"19:30\"\n  scopes = [\"shop:db\"]\n}") !=
        std::string::npos);
  CHECK(out.find("maintenance \"once\" {\n  start = \"2026-12-30 14:00\"\n  end = \"2026-12-30 18:00\"\n  monitors = [\"cpu\"]\n  memo = \"why\"\n}") !=
        std::string::npos);
  auto warned = [&](const std::string& s) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const std::string& w) { return w.find(s) != std::string::npos; });
  };
  CHECK(warned("channel 'ops': the webhook URL is a secret and is not written: set $OPS_SLACK_WEBHOOK_URL to it"));
  CHECK(warned("notification group 'pages': channel gone is not known; left out"));
  CHECK(warned("downtime 'backup': its weekdays are counted in another time zone"));

  // Written in Tokyo, the same objects give back what was written there.
  in.timeZone = "Asia/Tokyo";
  out.clear();
  warnings.clear();
  importRouting(in, {"cpu"}, out, warnings);
  CHECK(out.find("weekdays = [\"sun\"]\n  start = \"03:00\"\n  end = \"04:30\"\n  time_zone = \"Asia/Tokyo\"") != std::string::npos);
  CHECK(out.find("start = \"2026-12-30 23:00\"\n  end = \"2026-12-31 03:00\"") != std::string::npos);
  CHECK_FALSE(warned("another time zone"));
}

TEST_CASE("routing: malformed objects are warned about, never a crash") {
  RoutingInput in;
  in.channels = {ImportJson(3), ImportJson::parse(R"({"name": "x", "type": 7})"),
                 ImportJson::parse(R"({"name": "m", "type": "email", "emails": "not a list"})")};
  in.groups = {ImportJson("g"), ImportJson::parse(R"({"name": "d", "default": "yes", "monitors": "x"})"),
               ImportJson::parse(R"({"name": "e", "monitors": [3, {"id": "cpu", "skipDefault": "no"}],
                                     "childChannelIds": ["m"], "childNotificationGroupIds": ["e", "d", 5]})")};
  in.downtimes = {ImportJson(nullptr), ImportJson::parse(R"({"name": "s", "start": "soon", "duration": 5})"),
                  ImportJson::parse(R"({"name": "big", "start": 18446744073709551615, "duration": 5})"),
                  ImportJson::parse(R"({"name": "long", "start": 0, "duration": 9223372036854775807})"),
                  ImportJson::parse(R"({"name": "r", "start": 60, "duration": 5, "recurrence": {"type": "weekly",
                                        "interval": 1, "weekdays": ["Someday"]}})")};
  in.alertGroups = {ImportJson::parse(R"({"name": "e", "monitorScopes": ["cpu"], "notificationInterval": -4})"),
                    ImportJson(false)};
  std::vector<std::string> warnings;
  std::string out;
  importRouting(in, {"cpu"}, out, warnings);
  CHECK(out.find("route \"e\" {\n  channels = [\"m\"]\n  monitors = [\"cpu\"]\n  continue = true\n  group_by = []\n}") !=
        std::string::npos);
  CHECK(out.find("maintenance") == std::string::npos);
  CHECK(warnings.size() >= 10);
}
