// Unit tests of the engine: normalisation, ownership, diff, renderers, plan files, the API
// remote over a recording fake client, the logging and replaying clients, apply ordering, and
// the local target.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "apply.h"
#include "diff.h"
#include "early_read.h"
#include "grafana/target_kind.h"
#include "mackerel/local_remote.h"
#include "mackerel/api_remote.h"
#include "mackerel/normalize.h"
#include "mackerel/plan_words.h"
#include "mackerel/routing_wire.h"
#include "mackerel/time_zone.h"
#include "net/decorators.h"
#include "net/fake_client.h"
#include "net/work_queue.h"
#include "ownership.h"
#include "prometheus/apply.h"
#include "prometheus/target_kind.h"
#include "render.h"
#include "target_support.h"

using namespace mon::engine;
using mon::net::RecordingClient;

// The empty answer of a routing list (channels, notification groups, downtimes, alert group
// settings) for `url`;
// "" for other URLs.
static std::string routingList(const std::string& url) {
  if (url.ends_with("/api/v0/channels")) return R"({"channels":[]})";
  if (url.ends_with("/api/v0/notification-groups")) return R"({"notificationGroups":[]})";
  if (url.ends_with("/api/v0/downtimes")) return R"({"downtimes":[]})";
  if (url.ends_with("/api/v0/alert-group-settings")) return R"({"alertGroupSettings":[]})";
  return "";
}
using mon::net::Request;
using mon::net::Response;

namespace {

Json J(const char* s) { return Json::parse(s); }

// Equal after normalisation, ignoring key order (what diff() compares).
bool same(const Json& a, const Json& b) { return diffFields(a, b).empty(); }

Desired monitor(const std::string& name, Json body, std::vector<std::string> prev = {}) {
  body["name"] = name;
  return Desired{ObjKind::Monitor, name, body.value("type", ""), body, "main.mon:3", std::move(prev), "", ""};
}

RemoteObject remoteMonitor(const std::string& id, Json body) { return {ObjKind::Monitor, id, std::move(body)}; }

const Change& find(const Plan& p, const std::string& key) {
  for (const auto& c : p.changes)
    if (c.key == key) return c;
  FAIL("no change for " << key);
  return p.changes.front();
}

}  // namespace

TEST_CASE("ownership marker round-trips") {
  CHECK(addOwnerMarker("") == "managed-by: monitorc");
  CHECK(addOwnerMarker("why") == "why\n\nmanaged-by: monitorc");
  CHECK(addOwnerMarker(addOwnerMarker("why")) == "why\n\nmanaged-by: monitorc");
  CHECK(hasOwnerMarker("why\n\nmanaged-by: monitorc"));
  CHECK(hasOwnerMarker("managed-by: monitorc\n"));
  CHECK_FALSE(hasOwnerMarker("why"));
  CHECK_FALSE(hasOwnerMarker("not managed-by: monitorc"));
  CHECK(stripOwnerMarker("why\n\nmanaged-by: monitorc") == "why");
  CHECK(stripOwnerMarker("line\n") == "line\n");
  CHECK(stripOwnerMarker(addOwnerMarker("a\nb\n")) == "a\nb\n");
}

TEST_CASE("normalisation hides what the server adds or respells") {
  CHECK(mackerel::normalizeScope("svc:role") == "svc: role");
  CHECK(mackerel::normalizeScope("svc : role") == "svc: role");
  CHECK(mackerel::normalizeScope("svc") == "svc");
  Json sent = J(R"({"name":"cpu","type":"host","metric":"cpu%","operator":">","warning":80.0,"critical":null,
                   "duration":5,"scopes":["shop:web"],"memo":"m\n\nmanaged-by: monitorc"})");
  Json echoed = J(R"({"id":"abc","name":"cpu","memo":"m\n\nmanaged-by: monitorc","type":"host","isMute":false,
                     "metric":"cpu%","operator":">","warning":80,"duration":5,"maxCheckAttempts":1,
                     "scopes":["shop: web"],"excludeScopes":[]})");
  CHECK(same(mackerel::normalizeMonitor(sent), mackerel::normalizeMonitor(echoed)));
  CHECK(mackerel::normalizeMonitor(sent)["memo"] == "m");
  CHECK(mackerel::normalizeMonitor(sent)["warning"].dump() == "80");
  // 0 is not "unset".
  Json zero = sent;
  zero["critical"] = 0;
  CHECK_FALSE(same(mackerel::normalizeMonitor(zero), mackerel::normalizeMonitor(echoed)));
  Json anomaly = J(R"({"type":"anomalyDetection","name":"a","scopes":["s:r"],"warningSensitivity":"normal"})");
  CHECK(mackerel::normalizeMonitor(anomaly)["maxCheckAttempts"] == 3);
  Json conn = J(R"({"type":"connectivity","name":"c"})");
  CHECK(mackerel::normalizeMonitor(conn)["alertStatusOnGone"] == "CRITICAL");
  Json ext = J(R"({"type":"external","name":"e","url":"https://x/","headers":[],"dualstack":"ipv4"})");
  Json extEcho = J(R"({"id":"1","type":"external","name":"e","url":"https://x/","method":"GET","maxCheckAttempts":1,"isMute":false})");
  CHECK(same(mackerel::normalizeMonitor(ext), mackerel::normalizeMonitor(extEcho)));
  Json q = J(R"({"type":"query","name":"q","query":"x","operator":">","evaluateBackwardMinutes":0})");
  Json qEcho = J(R"({"type":"query","name":"q","query":"x","operator":">"})");
  CHECK(same(mackerel::normalizeMonitor(q), mackerel::normalizeMonitor(qEcho)));
  Json d1 = J(R"({"title":"t","urlPath":"a/b","memo":"","widgets":[{"type":"graph","title":"","layout":{"x":0,"y":0,"width":6,"height":6},
                  "graph":{"type":"role","roleFullname":"s:r","name":"cpu"},"referenceLines":[]}]})");
  Json d2 = J(R"({"id":"x","createdAt":1,"updatedAt":2,"title":"t","urlPath":"a/b","memo":"managed-by: monitorc","widgets":[{"type":"graph","title":"",
                  "layout":{"x":0,"y":0,"width":6,"height":6},"graph":{"type":"role","roleFullname":"s: r","name":"cpu","isStacked":false}}]})");
  CHECK(same(mackerel::normalizeDashboard(d1), mackerel::normalizeDashboard(d2)));
}

TEST_CASE("diffFields gives nested paths") {
  Json a = J(R"({"title":"t","widgets":[{"type":"graph","graph":{"name":"cpu"}},{"type":"markdown","markdown":"x"}]})");
  Json b = J(R"({"title":"t2","widgets":[{"type":"graph","graph":{"name":"mem"}}],"memo":"m"})");
  auto f = diffFields(a, b);
  REQUIRE(f.size() == 4);
  CHECK(f[0].path == "title");
  CHECK(f[1].path == "widgets[0].graph.name");
  CHECK(f[1].before == "cpu");
  CHECK(f[1].after == "mem");
  CHECK(f[2].path == "widgets[1]");
  CHECK_FALSE(f[2].hasAfter);
  CHECK(f[3].path == "memo");
  CHECK_FALSE(f[3].hasBefore);
}

TEST_CASE("diff classifies every object") {
  Json host = J(R"({"type":"host","metric":"cpu%","operator":">","warning":80,"duration":5})");
  std::vector<Desired> want = {monitor("same", host), monitor("changed", host), monitor("new", host),
                               monitor("adopt me", host), monitor("renamed", host, {"old name"})};
  Json owned = host;
  owned["memo"] = "managed-by: monitorc";
  Json ownedChanged = owned;
  ownedChanged["warning"] = 70;
  RemoteState rs;
  auto named = [](Json j, const char* n) { j["name"] = n; return j; };
  rs.monitors = {remoteMonitor("1", named(owned, "same")),         remoteMonitor("2", named(ownedChanged, "changed")),
                 remoteMonitor("3", named(host, "adopt me")),       remoteMonitor("4", named(owned, "gone")),
                 remoteMonitor("5", named(host, "ui made")),        remoteMonitor("6", named(owned, "old name"))};
  Plan p = diff(want, rs, DiffOptions{false, mackerel::normalize, {}});
  CHECK(find(p, "same").action == Action::NoChange);
  CHECK(find(p, "changed").action == Action::Update);
  REQUIRE(find(p, "changed").fields.size() == 1);
  CHECK(find(p, "changed").fields[0].path == "warning");
  CHECK(find(p, "new").action == Action::Create);
  CHECK(hasOwnerMarker(find(p, "new").body["memo"].get<std::string>()));
  CHECK(find(p, "adopt me").action == Action::Adopt);
  CHECK(find(p, "adopt me").id == "3");
  CHECK(find(p, "gone").action == Action::Orphan);
  CHECK(find(p, "ui made").action == Action::Ignore);
  CHECK(find(p, "renamed").renamedFrom == "old name");
  CHECK(find(p, "renamed").id == "6");
  CHECK(p.fingerprints.size() == 6);
  Plan pruned = diff(want, rs, DiffOptions{true, mackerel::normalize, {}});
  CHECK(find(pruned, "gone").action == Action::Delete);
  CHECK(find(pruned, "ui made").action == Action::Ignore);

  std::string text = renderText(p);
  CHECK(text.find("~ monitor \"changed\" (host)  main.mon:3\n      warning: 70 -> 80\n") != std::string::npos);
  CHECK(text.find("+ monitor \"new\" (host)  main.mon:3") != std::string::npos);
  CHECK(text.find("Plan: 1 to create, 2 to update, 1 to adopt, 0 to delete.") != std::string::npos);
  CHECK(text.find("ui made") != std::string::npos);

  Plan back;
  std::string err;
  REQUIRE(planFromJson(planToJson(p), back, err));
  CHECK(planToJson(back) == planToJson(p));

  // Staleness: a changed object, a deleted one, and a new object whose key a change uses.
  CHECK(stalePlanReasons(p, rs).empty());
  RemoteState later = rs;
  later.monitors[0].body["warning"] = 1;
  later.monitors.erase(later.monitors.begin() + 4);
  later.monitors.push_back(remoteMonitor("7", named(host, "new")));
  auto why = stalePlanReasons(p, later);
  REQUIRE(why.size() == 3);
  CHECK(why[0] == "monitor/1 (same) was changed");
  CHECK(why[1] == "monitor/5 was deleted");
  CHECK(why[2] == "monitor/7 (new) was created");
}

TEST_CASE("prometheus/grafana plans: operations survive the plan file; staleness by fingerprints") {
  Plan p;
  p.targetKind = "grafana";
  p.targetName = "graf";
  p.where = "https://g.example, folder ops";
  p.settings = {{"url", "https://g.example"}, {"folder", "ops"}, {"api_key_env", "GF_TOKEN"}};
  p.operations = Json::array({{{"action", "update_dashboard"}, {"key", "d1"}, {"body", {{"uid", "d1"}}}, {"version", 3}},
                              {{"action", "put_rule_group"}, {"key", "graf"}, {"body", {{"rules", Json::array()}}}}});
  Change c{};
  c.action = Action::Update;
  c.kind = ObjKind::Dashboard;
  c.key = c.id = "d1";
  c.op = 0;
  p.changes.push_back(c);
  Change rule{};
  rule.action = Action::Delete;
  rule.kind = ObjKind::Monitor;
  rule.key = "Old (critical)";
  rule.type = "alert rule";
  rule.op = 1;
  p.changes.push_back(rule);
  p.fingerprints = {{"dashboard/d1", "v3"}, {"alert_rule/r1", "aa"}};
  Json j = planToJson(p);
  CHECK(j["target"]["folder"] == "ops");
  CHECK(j["changes"][0]["operation"] == 0);
  Plan back;
  std::string err;
  REQUIRE(planFromJson(j, back, err));
  CHECK(planToJson(back) == j);
  CHECK(back.changes[1].op == 1);
  CHECK(back.operations[0]["version"] == 3);
  // A write without its operation, or none at all, is not a plan that can be applied.
  Json broken = j;
  broken["changes"][1].erase("operation");
  CHECK_FALSE(planFromJson(broken, back, err));
  broken = j;
  broken.erase("operations");
  CHECK_FALSE(planFromJson(broken, back, err));
  CHECK(err == "plan file: no operations");

  Fingerprints now = {{"dashboard/d1", {"v3", "D"}}, {"alert_rule/r1", {"aa", "R"}}};
  auto planned = [](const std::string& key) { return key.rfind("alert_rule/", 0) == 0; };
  CHECK(staleReasons(p.fingerprints, now, planned).empty());
  now["dashboard/d1"].first = "v4";
  now.erase("alert_rule/r1");
  now["alert_rule/r2"] = {"bb", "New"};
  now["dashboard/d2"] = {"v1", "Other"};  // no write uses it
  auto why = staleReasons(p.fingerprints, now, planned);
  REQUIRE(why.size() == 3);
  CHECK(why[0] == "alert_rule/r1 was deleted");
  CHECK(why[1] == "dashboard/d1 (D) was changed");
  CHECK(why[2] == "alert_rule/r2 (New) was created");
}

namespace {

// The target a saved plan names, opened as its declaration would open it.
std::unique_ptr<mon::engine::Target> openSaved(const Plan& p, const RemoteOptions& opts, std::string& err) {
  if (p.targetKind == "prometheus")
    return mon::prometheus::openTarget(p.targetName, p.settings.value("url", ""), p.settings.value("rules_dir", ""), opts);
  return mon::grafana::openTarget(p.targetName, p.settings.value("url", ""), p.settings.value("folder", ""),
                                  p.settings.value("api_key_env", ""), opts, err);
}

// The error a saved plan is refused with ("(accepted)" when it is not refused).
std::string refusalOf(const Plan& p, const RemoteOptions& opts) {
  std::string err;
  auto target = openSaved(p, opts, err);
  if (!target) return err;
  std::string why = target->checkSaved(p);
  return why.empty() ? std::string("(accepted)") : why;
}

// A saved plan that updates prometheus target 'prom''s rule file.
Plan savedPromPlan() {
  Plan prom;
  prom.targetKind = "prometheus";
  prom.targetName = "prom";
  prom.settings = {{"url", "http://127.0.0.1:9090"}, {"rules_dir", "/nonexistent/rules"}};
  prom.operations = Json::array({{{"action", "update"}, {"file", "monitorc_prom.yml"}, {"content", "# Generated by monitorc\n"}}});
  return prom;
}

}  // namespace

TEST_CASE("saved prometheus/grafana plans: malformed operations and deletes without --prune are refused") {
  RemoteOptions opts;
  opts.getenv = [](const char*) { return "token"; };
  std::string err;
  auto refusal = [&](const Plan& p) { return refusalOf(p, opts); };
  Plan prom = savedPromPlan();
  CHECK(refusalOf(prom, opts) == "(accepted)");
  // A hand-edited field of the wrong type is named, not a JSON library message.
  Plan bad = prom;
  bad.operations[0]["file"] = 5;
  CHECK(refusal(bad) == "plan file: operation without a file name");
  // A delete only comes from 'plan --prune --out'.
  bad = prom;
  bad.operations[0] = {{"action", "delete"}, {"file", "monitorc_prom.yml"}};
  CHECK(refusal(bad) == "plan file: a delete in a plan made without --prune");
  bad.prune = true;
  CHECK(refusalOf(bad, opts) == "(accepted)");

  Plan graf;
  graf.targetKind = "grafana";
  graf.targetName = "graf";
  graf.settings = {{"url", "https://g.example"}, {"folder", "ops"}, {"api_key_env", "GF_TOKEN"}};
  graf.operations = Json::array({{{"action", "update_dashboard"}, {"key", "d1"}, {"body", {{"uid", "d1"}}}, {"version", 3}}});
  CHECK(refusalOf(graf, opts) == "(accepted)");
  bad = graf;
  bad.operations[0]["key"] = Json::array();
  CHECK(refusal(bad) == "plan file: operation 'update_dashboard' without a key");
  bad = graf;
  bad.operations[0]["version"] = "3";
  CHECK(refusal(bad) == "plan file: operation 'update_dashboard' without the dashboard's version");
  bad = graf;
  bad.operations[0] = {{"action", "delete_dashboard"}, {"key", "d1"}};
  CHECK(refusal(bad) == "plan file: a delete in a plan made without --prune");
  bad.prune = true;
  CHECK(refusalOf(bad, opts) == "(accepted)");
}

TEST_CASE("saved prometheus plans: the target name and fingerprints cannot reach outside rules_dir") {
  RemoteOptions opts;
  std::string err;
  auto refusal = [&](const Plan& p) { return refusalOf(p, opts); };
  Plan prom = savedPromPlan();
  prom.fingerprints = {{"rule_file/monitorc_prom.yml", "00"}};
  CHECK(refusalOf(prom, opts) == "(accepted)");
  // Staleness reads each fingerprinted file: only the owned one may be named.
  Plan bad = prom;
  bad.fingerprints = {{"rule_file/../../etc/passwd", "00"}};
  CHECK(refusal(bad) == "plan file: fingerprint 'rule_file/../../etc/passwd' is not the owned file 'rule_file/monitorc_prom.yml'");
  bad = prom;
  bad.fingerprints = {{"monitor/1", "00"}};
  CHECK(refusalOf(bad, opts) != "(accepted)");
  // A name with path characters gives a plain file name in rules_dir, never a path.
  bad = prom;
  bad.targetName = "../../etc/x";
  bad.fingerprints.clear();
  bad.operations[0]["file"] = "monitorc_../../etc/x.yml";
  CHECK(refusal(bad) == "plan file: operation on 'monitorc_../../etc/x.yml', not the owned file 'monitorc_.._.._etc_x.yml'");
  bad.operations[0]["file"] = "monitorc_.._.._etc_x.yml";
  CHECK(refusalOf(bad, opts) == "(accepted)");
  // NUL and other control characters in the name are refused by name.
  bad = prom;
  bad.targetName = std::string("pr\0om", 5);
  CHECK(refusal(bad) == "plan file: the target name \"pr\\u0000om\" contains a control character");
  bad.targetName = "";
  CHECK(refusal(bad) == "plan file: the target has no name");
}

TEST_CASE("saved grafana plans: uids are checked before any request, names are percent-encoded in paths") {
  std::vector<Request> sent;
  auto client = std::make_shared<RecordingClient>([](const Request& r) {
    Response res;
    res.status = r.method == "GET" ? 404 : 200;
    res.body = "{}";
    return res;
  });
  RemoteOptions opts;
  opts.getenv = [](const char*) { return "token"; };
  opts.client = client;
  std::string err;
  Plan graf;
  graf.targetKind = "grafana";
  graf.targetName = "team a/b";
  graf.settings = {{"url", "https://g.example"}, {"folder", "ops"}, {"api_key_env", "GF_TOKEN"}};
  graf.prune = true;
  graf.operations = Json::array({{{"action", "create_folder"}, {"key", "ops"}, {"body", {{"uid", "ops"}, {"title", "ops"}}}},
                                 {{"action", "update_dashboard"}, {"key", "d1"}, {"body", {{"uid", "d1"}}}, {"version", 3}},
                                 {{"action", "delete_dashboard"}, {"key", "old-1"}},
                                 {{"action", "put_rule_group"}, {"key", "team a/b"},
                                  {"body", {{"interval", 60}, {"rules", Json::array({{{"uid", "mc-1"}}})}}}}});
  graf.fingerprints = {{"folder/ops", "aa"}, {"dashboard/d1", "v3"}, {"rule_group/team a/b", "bb"}, {"alert_rule/mc-1", "cc"}};
  for (int i = 0; i < 4; ++i) {
    Change c{};
    c.action = i == 2 ? Action::Delete : i == 0 ? Action::Create : Action::Update;
    c.kind = ObjKind::Dashboard;
    c.key = "k" + std::to_string(i);
    c.op = i;
    graf.changes.push_back(c);
  }
  auto target = openSaved(graf, opts, err);
  REQUIRE(target != nullptr);
  REQUIRE(target->checkSaved(graf) == "");
  std::vector<std::string> reasons;
  REQUIRE(target->stale(graf, reasons, err));
  ApplyReport rep = target->apply(graf, ApplyOptions{});
  CHECK(rep.failed == 0);
  std::vector<std::string> urls;
  for (const auto& r : client->sent()) urls.push_back(r.method + " " + r.url);
  auto sentUrl = [&](const std::string& u) { return std::find(urls.begin(), urls.end(), u) != urls.end(); };
  CHECK(sentUrl("GET https://g.example/api/v1/provisioning/folder/ops/rule-groups/team%20a%2Fb"));
  CHECK(sentUrl("PUT https://g.example/api/v1/provisioning/folder/ops/rule-groups/team%20a%2Fb"));
  CHECK(sentUrl("DELETE https://g.example/api/dashboards/uid/old-1"));
  for (const auto& u : urls) CHECK(u.find(' ', u.find(' ') + 1) == std::string::npos);

  // Each bad key is refused before anything is sent.
  size_t before = client->sent().size();
  auto refused = [&](Plan p, const std::string& why) { CHECK(refusalOf(p, opts) == why); };
  const std::string rule = " (a Grafana uid is 1 to 40 letters, digits, '-' or '_')";
  Plan bad = graf;
  bad.settings["folder"] = "../admin";  // the folder comes from the source's declaration
  refused(bad, "grafana target 'team a/b': folder '../admin' is not a valid Grafana folder uid (1 to 40 letters, digits, '-' or '_')");
  bad = graf;
  bad.operations[2]["key"] = "../../api/admin/users/1";
  refused(bad, "plan file: operation 'delete_dashboard': key '../../api/admin/users/1' is not a valid uid" + rule);
  bad = graf;
  bad.operations[2]["key"] = std::string(41, 'a');
  refused(bad, "plan file: operation 'delete_dashboard': key '" + std::string(41, 'a') + "' is not a valid uid" + rule);
  bad = graf;
  bad.operations[1]["body"]["uid"] = "other";
  refused(bad, "plan file: operation 'update_dashboard': the body's uid is not the key 'd1'");
  bad = graf;
  bad.operations[0]["key"] = bad.operations[0]["body"]["uid"] = "elsewhere";
  refused(bad, "plan file: operation 'create_folder': folder 'elsewhere' is not the target's ('ops')");
  bad = graf;
  bad.operations[3]["key"] = "other group";
  refused(bad, "plan file: operation 'put_rule_group': the rule group is 'other group', not the target's ('team a/b')");
  bad = graf;
  bad.operations[3]["body"]["rules"][0]["uid"] = "a b";
  refused(bad, "plan file: operation 'put_rule_group': a rule without a valid uid" + rule);
  bad = graf;
  bad.fingerprints["dashboard/../x"] = "v1";
  refused(bad, "plan file: fingerprint 'dashboard/../x' is not one this target's plan makes");
  bad = graf;
  bad.fingerprints["folder/other"] = "v1";
  refused(bad, "plan file: fingerprint 'folder/other' is not one this target's plan makes");
  CHECK(client->sent().size() == before);
}

TEST_CASE("base URLs lose their trailing slashes in one place") {
  CHECK(mon::net::withoutTrailingSlash("https://g.example/") == "https://g.example");
  CHECK(mon::net::withoutTrailingSlash("https://g.example///") == "https://g.example");
  CHECK(mon::net::withoutTrailingSlash("https://g.example/sub") == "https://g.example/sub");
  CHECK(mon::net::withoutTrailingSlash("") == "");
}

TEST_CASE("the logging client: one line per exchange with secrets redacted, GETs retried, writes sent once") {
  int gets = 0;
  auto inner = std::make_shared<RecordingClient>([&](const Request& r) {
    Response res;
    if (r.method == "GET" && gets++ == 0) res.status = 503;
    else if (r.method == "POST") res.transport = "connection reset (tok-secret-9 in the reason)";
    else res.status = 200;
    return res;
  });
  mon::net::LoggingOptions lo;
  std::vector<std::string> log;
  lo.log = [&](const std::string& l) { log.push_back(l); };
  lo.secrets = {"tok-secret-9", ""};
  lo.retry.baseDelayMs = 1;
  mon::net::LoggingClient client(inner, lo);
  Response got = client.send(Request{"GET", "https://g.example/api/x?auth=tok-secret-9", {}, ""});
  CHECK(got.status == 200);
  CHECK(inner->sent().size() == 2);
  got = client.send(Request{"POST", "https://g.example/api/y", {}, "{}"});
  CHECK(inner->sent().size() == 3);
  CHECK(got.httpStatus() == 0);
  CHECK(got.transport == "connection reset ([redacted] in the reason)");
  REQUIRE(log.size() == 3);
  CHECK(log[0] == "GET /api/x?auth=[redacted] -> 503");
  CHECK(log[1] == "GET /api/x?auth=[redacted] -> 200");
  CHECK(log[2] == "POST /api/y -> connection reset ([redacted] in the reason)");
  // Relative to a base URL, timed, and without retries when told so.
  lo.base = "https://g.example/sub";
  lo.timing = true;
  lo.retryGets = false;
  gets = 0;
  log.clear();
  mon::net::LoggingClient once(inner, lo);
  CHECK(once.send(Request{"GET", "https://g.example/sub/api/z", {}, ""}).status == 503);
  REQUIRE(log.size() == 1);
  CHECK(log[0].rfind("GET /api/z -> 503 (", 0) == 0);
  CHECK(log[0].find(" ms, started at +") != std::string::npos);
  CHECK(mon::net::redact("aXa", {"X"}) == "a[redacted]a");
  CHECK(mon::net::redact("dd", {"d"}) == "[redacted][redacted]");  // a secret inside "[redacted]" ends
}

TEST_CASE("the replaying client: a GET seen before gets the same answer, writes always go out") {
  int n = 0;
  auto inner = std::make_shared<RecordingClient>([&](const Request&) {
    Response res;
    res.status = 200;
    res.body = std::to_string(++n);
    return res;
  });
  mon::net::ReplayingClient replay(inner);
  CHECK(replay.send(Request{"GET", "https://g.example/a", {}, ""}).body == "1");
  CHECK(replay.send(Request{"GET", "https://g.example/b", {}, ""}).body == "2");
  CHECK(replay.send(Request{"GET", "https://g.example/a", {}, ""}).body == "1");
  CHECK(replay.send(Request{"POST", "https://g.example/a", {}, ""}).body == "3");
  CHECK(replay.send(Request{"POST", "https://g.example/a", {}, ""}).body == "4");
  CHECK(inner->sent().size() == 4);
}

namespace {

// Rule files in memory, for applies that need no disk.
class MemoryFiles : public mon::prometheus::FileOps {
 public:
  std::map<std::string, std::string> files;
  bool read(const std::string& path, std::string& text) override {
    auto it = files.find(path);
    if (it == files.end()) return false;
    text = it->second;
    return true;
  }
  std::vector<std::string> list(const std::string&) override { return {}; }
  bool writeAtomic(const std::string& path, const std::string& text, std::string&) override {
    files[path] = text;
    return true;
  }
  bool remove(const std::string& path, std::string&) override { return files.erase(path), true; }
  std::string unreadable(const std::string&, const std::string&) override { return ""; }
};

}  // namespace

TEST_CASE("prometheus apply over the engine's client: a reload without an answer names the reason and restores") {
  auto client = std::make_shared<RecordingClient>([](const Request& r) {
    Response res;
    if (r.method == "POST") res.transport = "connection refused";
    else res.status = 200;
    return res;
  });
  MemoryFiles files;
  files.files["rules/monitorc_p.yml"] = "# Generated by monitorc\nold\n";
  mon::prometheus::Plan plan{"p", "rules", {{mon::prometheus::FileChange::Update, "monitorc_p.yml", "# Generated by monitorc\nnew\n", {}}}};
  auto ok = [](const std::vector<std::string>&, std::string&) { return 0; };
  mon::prometheus::ApplyResult res = mon::prometheus::applyPlan(plan, "http://127.0.0.1:9090", files, *client, ok);
  CHECK_FALSE(res.ok);
  CHECK(res.error == "POST /-/reload: connection refused; the previous rule files were restored");
  CHECK(files.files["rules/monitorc_p.yml"] == "# Generated by monitorc\nold\n");
  auto sent = client->sent();
  REQUIRE(sent.size() == 2);  // the reload, and one more after restoring
  for (const auto& r : sent) CHECK(r.method + " " + r.url == "POST http://127.0.0.1:9090/-/reload");
}

TEST_CASE("an owned remote object is preferred over an unowned one with the same name") {
  Json host = J(R"({"type":"host","metric":"cpu%","operator":">","warning":80,"duration":5,"name":"x"})");
  Json owned = host;
  owned["memo"] = "managed-by: monitorc";
  RemoteState rs;
  rs.monitors = {remoteMonitor("u", host), remoteMonitor("o", owned)};
  Plan p = diff({monitor("x", host)}, rs, DiffOptions{true, mackerel::normalize, {}});
  CHECK(p.changes.size() == 2);
  for (const auto& c : p.changes) CHECK(c.action == (c.id == "o" ? Action::NoChange : Action::Ignore));
}

TEST_CASE("base URLs: https anywhere, http only to loopback") {
  CHECK(mon::net::checkBaseUrl("https://api.mackerelio.com/") == "");
  CHECK(mon::net::checkBaseUrl("http://127.0.0.1:8080/") == "");
  CHECK(mon::net::checkBaseUrl("http://localhost/") == "");
  CHECK(mon::net::checkBaseUrl("http://[::1]:80/") == "");
  CHECK(mon::net::checkBaseUrl("http://api.mackerelio.com/").find("loopback") != std::string::npos);
  CHECK(mon::net::checkBaseUrl("http://127.0.0.1.evil.com/").find("loopback") != std::string::npos);
  CHECK(mon::net::checkBaseUrl("ftp://x/").find("scheme") != std::string::npos);
  CHECK(mon::net::checkBaseUrl("https://user:pw@x/") != "");
}

TEST_CASE("the API remote: headers, dashboards by id, retries, lost creates, redaction") {
  const std::string key = "k-123-secret";
  std::mutex mu;
  int posts = 0, gets429 = 0;
  bool created = false;
  auto client = std::make_shared<RecordingClient>([&](const Request& r) {
    std::lock_guard<std::mutex> lock(mu);
    Response res;
    res.status = 200;
    if (r.method == "GET" && r.url.ends_with("/api/v0/monitors")) {
      if (gets429++ == 0) {
        res.status = 429;
        res.headers["retry-after"] = "0";
        return res;
      }
      res.body = created ? R"({"monitors":[{"id":"m1","type":"host","name":"x","memo":"managed-by: monitorc"}]})"
                         : R"({"monitors":[]})";
    } else if (r.method == "GET" && r.url.ends_with("/api/v0/dashboards")) {
      res.body = R"({"dashboards":[{"id":"d1","urlPath":"a","widgets":null}]})";
    } else if (r.method == "GET" && r.url.ends_with("/api/v0/dashboards/d1")) {
      res.body = R"({"id":"d1","urlPath":"a","widgets":[{"type":"markdown"}]})";
    } else if (r.method == "GET") {  // channels, notification groups, downtimes: none
      res.body = routingList(r.url);
    } else if (r.method == "POST") {
      ++posts;
      created = true;
      res.status = 0;
      res.transport = "connection closed without a response";
    } else if (r.method == "PUT") {
      res.status = 400;
      res.body = R"({"error":{"message":"bad key k-123-secret"}})";
    } else if (r.method == "DELETE") {
      res.status = 404;
    }
    return res;
  });
  mackerel::Options o;
  o.targetName = "t";
  o.baseUrl = "http://127.0.0.1:1/";
  o.apiKey = key;
  o.retry.baseDelayMs = 1;
  std::vector<std::string> log;
  o.log = [&](const std::string& l) { log.push_back(l); };
  auto remote = mackerel::makeRemote(client, o);
  RemoteState rs;
  std::string err;
  REQUIRE(remote->fetch(rs, err));
  REQUIRE(rs.dashboards.size() == 1);
  CHECK(rs.dashboards[0].body["widgets"].size() == 1);

  OpResult c = remote->create(ObjKind::Monitor, "x", J(R"({"type":"host","name":"x"})"));
  CHECK(c.ok);
  CHECK(c.recovered);
  CHECK(c.id == "m1");
  CHECK(posts == 1);

  OpResult u = remote->update(ObjKind::Monitor, "m1", J("{}"));
  CHECK_FALSE(u.ok);
  CHECK(u.error.find("HTTP 400") != std::string::npos);
  CHECK(u.error.find(key) == std::string::npos);
  CHECK(u.error.find("[redacted]") != std::string::npos);
  CHECK(remote->remove(ObjKind::Monitor, "gone").ok);

  for (const auto& r : client->sent()) {
    bool hasKey = false;
    for (const auto& [k, v] : r.headers) hasKey |= k == "X-Api-Key" && v == key;
    CHECK(hasKey);
  }
  for (const auto& l : log) CHECK(l.find(key) == std::string::npos);
  // The lists are read at the same time: the 429 is logged, not necessarily first.
  CHECK(std::any_of(log.begin(), log.end(),
                    [](const std::string& l) { return l.find("GET /api/v0/monitors -> 429") != std::string::npos; }));
}

TEST_CASE("libcurl that cannot be loaded: a permanent transport error saying what to install") {
  auto client = mon::net::makeCurlClient({}, "libcurl-not-installed.so.4");
  Request r;
  r.url = "http://127.0.0.1:1/api/v0/monitors";
  Response res = client->send(r);
  CHECK(res.status == 0);
  CHECK(res.permanent);
  CHECK_FALSE(mon::net::retryable(res));
  CHECK(res.transport.find("cannot load libcurl-not-installed.so.4") == 0);
  CHECK(res.transport.find("apt-get install libcurl4") != std::string::npos);
}

TEST_CASE("libcurl loaded on first use: a request reaches the network layer") {
  // Port 1 on loopback refuses: the answer comes from libcurl, not from the loader.
  auto client = mon::net::makeCurlClient({});
  Request r;
  r.url = "http://127.0.0.1:1/";
  Response res = client->send(r);
  CHECK(res.transport == "connection refused");
}

namespace {

// Answers the Mackerel reads and records how many were in flight at once. A request waits (at
// most a few seconds, so a broken remote fails the test instead of hanging it) until the
// concurrency the test expects has been reached once: `lists` lists together, then
// `dashWorkers` dashboard GETs together. With `holdMonitors` the monitor list is answered only
// once a dashboard GET has started.
struct ConcurrentReads {
  int dashboards = 10;
  int dashWorkers = 1;
  int lists = 6;
  bool holdMonitors = false;
  std::mutex mu;
  std::condition_variable cv;
  int listsInFlight = 0, dashInFlight = 0, dashStarted = 0, maxLists = 0, maxDash = 0, maxAll = 0;
  bool listsPeak = false, dashPeak = false, dashBeforeMonitors = false;

  Response answer(const Request& r) {
    std::unique_lock<std::mutex> lock(mu);
    bool list = r.url.find("/api/v0/dashboards/") == std::string::npos;
    int& inFlight = list ? listsInFlight : dashInFlight;
    ++inFlight;
    if (!list) ++dashStarted;
    maxLists = std::max(maxLists, listsInFlight);
    maxDash = std::max(maxDash, dashInFlight);
    maxAll = std::max(maxAll, listsInFlight + dashInFlight);
    if (list) listsPeak = listsPeak || listsInFlight == lists;
    else dashPeak = dashPeak || dashInFlight >= dashWorkers;
    cv.notify_all();
    cv.wait_for(lock, std::chrono::seconds(5),
                [&] { return list ? listsPeak : dashPeak || dashStarted == dashboards; });
    if (holdMonitors && r.url.ends_with("/api/v0/monitors")) {
      cv.wait_for(lock, std::chrono::seconds(5), [&] { return dashStarted > 0; });
      dashBeforeMonitors = dashStarted > 0;
    }
    --inFlight;
    Response res;
    res.status = 200;
    if (!routingList(r.url).empty()) {
      res.body = routingList(r.url);
    } else if (r.url.ends_with("/api/v0/monitors")) {
      res.body = R"({"monitors":[{"id":"m1","type":"host","name":"x"}]})";
    } else if (r.url.ends_with("/api/v0/dashboards")) {
      Json list = Json::array();
      for (int i = 0; i < dashboards; ++i) list.push_back({{"id", "d" + std::to_string(i)}});
      res.body = Json{{"dashboards", list}}.dump();
    } else {
      std::string id = r.url.substr(r.url.rfind('/') + 1);
      res.body = Json{{"id", id}, {"widgets", Json::array()}}.dump();
    }
    return res;
  }
};

RemoteState readWith(ConcurrentReads& reads, size_t readParallel) {
  auto client = std::make_shared<RecordingClient>([&](const Request& r) { return reads.answer(r); });
  mackerel::Options o;
  o.targetName = "t";
  o.baseUrl = "http://127.0.0.1:1/";
  o.apiKey = "k";
  o.readParallel = readParallel;
  auto remote = mackerel::makeRemote(client, o);
  RemoteState rs;
  std::string err;
  CHECK(remote->fetch(rs, err));
  CHECK(err.empty());
  return rs;
}

}  // namespace

TEST_CASE("diff takes the canonical forms and fingerprints made ahead instead of making them") {
  std::vector<Desired> want = {{ObjKind::Monitor, "x", "host", J(R"({"type":"host","name":"x","warning":1})"), "", {}, "", ""}};
  RemoteState rs;
  rs.monitors.push_back({ObjKind::Monitor, "m1", J(R"({"id":"m1","type":"host","name":"x","warning":2,"memo":"managed-by: monitorc"})")});
  DiffOptions opts{false, mackerel::normalize, {}};
  CHECK(diff(want, rs, opts).changes[0].action == Action::Update);
  // A remote that made its canonical form ahead: that form is what is compared.
  rs.monitors[0].canonical = mackerel::normalize(ObjKind::Monitor, want[0].body);
  rs.monitors[0].fingerprint = "made-ahead";
  Plan p = diff(want, rs, opts);
  CHECK(p.changes[0].action == Action::NoChange);
  CHECK(p.fingerprints.at("monitor/m1") == "made-ahead");
  // The source's side made ahead likewise.
  SourceSide source = sourceSide(want, opts);
  source.canonical[0]["warning"] = 3;
  source.sent[0]["warning"] = 3;
  Plan q = diff(want, rs, opts, &source);
  CHECK(q.changes[0].action == Action::Update);
  CHECK(q.changes[0].body["warning"] == 3);
  CHECK(q.changes[0].body["memo"] == "managed-by: monitorc");
}

TEST_CASE("work queue: jobs that running jobs add run before run() returns, at most N at once") {
  mon::net::WorkQueue q;
  std::atomic<int> ran{0}, inFlight{0}, maxInFlight{0};
  auto job = [&] {
    int now = ++inFlight;
    for (int m = maxInFlight; now > m && !maxInFlight.compare_exchange_weak(m, now);) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --inFlight;
    ++ran;
  };
  for (int list = 0; list < 3; ++list)
    q.add([&] {
      job();
      for (int i = 0; i < 10; ++i) q.add(job);  // as a list names what to read next
    });
  q.run(4);
  CHECK(ran == 33);
  CHECK(maxInFlight <= 4);
  mon::net::WorkQueue empty;
  empty.run(4);  // nothing to do: returns
}

TEST_CASE("mackerel reads: the six lists at once, then dashboard GETs in every free slot") {
  ConcurrentReads reads;
  reads.dashWorkers = 8;
  RemoteState rs = readWith(reads, 8);
  CHECK(reads.maxLists == 6);
  CHECK(reads.maxDash == 8);
  CHECK(reads.maxAll <= 8);
  REQUIRE(rs.monitors.size() == 1);
  REQUIRE(rs.dashboards.size() == 10);
  // In list order whatever order the answers came in.
  for (int i = 0; i < 10; ++i) CHECK(rs.dashboards[i].body["id"] == "d" + std::to_string(i));
}

TEST_CASE("mackerel reads: dashboard GETs start as soon as their list has arrived, before the other lists") {
  ConcurrentReads reads;
  reads.lists = 4;  // as many as --parallel lets start together
  reads.holdMonitors = true;
  RemoteState rs = readWith(reads, 4);
  CHECK(reads.dashBeforeMonitors);
  CHECK(reads.maxAll <= 4);
  CHECK(rs.monitors.size() == 1);
  CHECK(rs.dashboards.size() == 10);
}

TEST_CASE("mackerel reads: readParallel 1 reads one request at a time") {
  ConcurrentReads reads;
  reads.dashWorkers = 1;
  reads.dashboards = 4;
  reads.listsPeak = true;  // the lists are not expected together: let each pass at once
  RemoteState rs = readWith(reads, 1);
  CHECK(reads.maxAll == 1);
  CHECK(rs.dashboards.size() == 4);
}

TEST_CASE("mackerel reads: a stopped read sends nothing more and fails") {
  std::shared_ptr<Remote> remote;
  std::atomic<int> sent{0};
  auto client = std::make_shared<RecordingClient>([&](const Request& r) {
    ++sent;
    Response res;
    res.status = 200;
    if (r.url.ends_with("/api/v0/dashboards")) {
      res.body = R"({"dashboards":[{"id":"d1"},{"id":"d2"}]})";
      remote->stopReading();  // as a run whose source did not compile does
    } else {
      res.body = routingList(r.url).empty() ? R"({"monitors":[]})" : routingList(r.url);
    }
    return res;
  });
  mackerel::Options o;
  o.baseUrl = "http://127.0.0.1:1/";
  o.apiKey = "k";
  o.readParallel = 1;
  remote = mackerel::makeRemote(client, o);
  RemoteState rs;
  std::string err;
  CHECK_FALSE(remote->fetch(rs, err));
  CHECK(sent == 1);
  CHECK(err.find("stopped") != std::string::npos);
}

TEST_CASE("an early read: its answer is the target's first read; dropped unread, it stops and waits") {
  std::atomic<int> sent{0};
  auto answers = [&](const Request& r) {
    ++sent;
    Response res;
    res.status = 200;
    res.body = routingList(r.url);
    if (r.url.ends_with("/api/v0/monitors")) res.body = R"({"monitors":[{"id":"m1","type":"host","name":"x"}]})";
    if (r.url.ends_with("/api/v0/dashboards")) res.body = R"({"dashboards":[]})";
    return res;
  };
  mackerel::Options o;
  o.baseUrl = "http://127.0.0.1:1/";
  o.apiKey = "k";
  o.canonical = mackerel::normalize;
  {
    EarlyRead early(mackerel::makeRemote(std::make_shared<RecordingClient>(answers), o));
    RemoteState rs;
    bool ok = false;
    std::string err;
    std::unique_ptr<Remote> remote = early.finish(rs, ok, err);
    REQUIRE(remote);
    CHECK(ok);
    REQUIRE(rs.monitors.size() == 1);
    CHECK(sent == 6);
    // Made on the reading threads, as diff() would make them.
    CHECK(rs.monitors[0].canonical == mackerel::normalize(ObjKind::Monitor, rs.monitors[0].body));
    CHECK(rs.monitors[0].fingerprint == fingerprint(rs.monitors[0].body));
    CHECK_FALSE(early.finish(rs, ok, err));  // once only
  }
  // Dropped at once: stopped before most requests go out, and waited for (the counter is
  // still alive when the last answer comes).
  sent = 0;
  std::atomic<bool> opened{false};
  auto slow = [&](const Request& r) {
    while (!opened) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // until dropped
    return answers(r);
  };
  o.readParallel = 2;
  std::thread release;
  {
    auto early = std::make_unique<EarlyRead>(mackerel::makeRemote(std::make_shared<RecordingClient>(slow), o));
    release = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      opened = true;
    });
    early.reset();  // stops, then waits for the two requests in flight
  }
  release.join();
  CHECK(sent <= 2);
}

TEST_CASE("mackerel reads: a failed monitor list is the error even while dashboards are read") {
  auto client = std::make_shared<RecordingClient>([](const Request& r) {
    Response res;
    res.status = 200;
    if (r.url.ends_with("/api/v0/monitors")) res.status = 403;
    else if (r.url.ends_with("/api/v0/dashboards")) res.body = R"({"dashboards":[]})";
    return res;
  });
  mackerel::Options o;
  o.baseUrl = "http://127.0.0.1:1/";
  o.apiKey = "k";
  auto remote = mackerel::makeRemote(client, o);
  RemoteState rs;
  std::string err;
  CHECK_FALSE(remote->fetch(rs, err));
  CHECK(err.find("GET /api/v0/monitors: HTTP 403") == 0);
}

namespace {

// A remote that records the order of calls and fails one key.
class ScriptedRemote : public Remote {
 public:
  std::mutex mu;
  std::vector<std::string> calls;
  std::atomic<int> inFlight{0}, maxInFlight{0};
  std::string describe() const override { return "scripted"; }
  bool fetch(RemoteState&, std::string&) override { return true; }
  OpResult op(const std::string& what) {
    int now = ++inFlight;
    for (int m = maxInFlight; now > m && !maxInFlight.compare_exchange_weak(m, now);) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    --inFlight;
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(what);
    OpResult r;
    r.ok = what.find("bad") == std::string::npos;
    if (!r.ok) r.error = "refused";
    return r;
  }
  OpResult create(ObjKind, const std::string& key, const Json&) override { return op("create " + key); }
  OpResult update(ObjKind, const std::string& id, const Json&) override { return op("update " + id); }
  OpResult remove(ObjKind, const std::string& id) override { return op("delete " + id); }
};

}  // namespace

TEST_CASE("apply: creates, then updates, then deletes; failures do not stop the others") {
  Plan p;
  auto add = [&](Action a, std::string key, std::string id) {
    p.changes.push_back(Change{a, ObjKind::Monitor, key, id, "host", "", "", Json::object(), {}});
  };
  add(Action::Delete, "d", "id-d");
  add(Action::Update, "u", "id-u");
  add(Action::Create, "bad", "");
  add(Action::Create, "c", "");
  add(Action::Ignore, "i", "id-i");
  add(Action::Orphan, "o", "id-o");
  add(Action::Adopt, "a", "id-a");
  ScriptedRemote r;
  ApplyReport rep = apply(p, r, ApplyOptions{1, nullptr});
  CHECK(rep.failed == 1);
  CHECK(rep.outcomes.size() == 5);
  REQUIRE(r.calls.size() == 5);
  CHECK(r.calls[0] == "create bad");
  CHECK(r.calls[1] == "create c");
  CHECK(r.calls[2] == "update id-u");
  CHECK(r.calls[3] == "update id-a");
  CHECK(r.calls[4] == "delete id-d");
  CHECK(r.maxInFlight == 1);

  Plan many;
  for (int i = 0; i < 40; ++i)
    many.changes.push_back(Change{Action::Create, ObjKind::Monitor, "m" + std::to_string(i), "", "host", "", "", Json::object(), {}});
  ScriptedRemote r8;
  CHECK(apply(many, r8, ApplyOptions{8, nullptr}).failed == 0);
  CHECK(r8.maxInFlight > 1);
  CHECK(r8.maxInFlight <= 8);
}

namespace {

// A remote that takes up to 3 writes at once and records each batch it is handed.
class BatchingRemote : public ScriptedRemote {
 public:
  std::vector<std::vector<std::string>> batches;
  size_t batchLimit() const override { return 3; }
  std::vector<OpResult> writeBatch(const std::vector<Write>& writes) override {
    std::vector<std::string> names;
    for (const auto& w : writes) names.push_back((w.what == Write::Update ? "update " : w.what == Write::Remove ? "delete " : "create ") +
                                                 (w.what == Write::Create ? w.key : w.id));
    {
      std::lock_guard<std::mutex> lock(mu);
      batches.push_back(names);
    }
    return Remote::writeBatch(writes);  // one by one: each outcome is its own
  }
};

}  // namespace

TEST_CASE("apply: batches of one kind and one phase, outcomes per change, refusals before any write") {
  Plan p;
  auto add = [&](Action a, ObjKind k, std::string key, std::string id) {
    p.changes.push_back(Change{a, k, key, id, k == ObjKind::Monitor ? "host" : "", "", "", Json::object(), {}});
  };
  for (int i = 0; i < 4; ++i) add(Action::Update, ObjKind::Monitor, "m" + std::to_string(i), "id-m" + std::to_string(i));
  add(Action::Update, ObjKind::Monitor, "bad", "id-bad");
  add(Action::Update, ObjKind::Monitor, "gone", "id-gone");  // not on the target: refused
  add(Action::Update, ObjKind::Dashboard, "d", "id-d");
  add(Action::Delete, ObjKind::Monitor, "x", "id-x");
  RemoteState now;
  for (const auto& c : p.changes)
    if (c.key != "gone")
      now.of(c.kind).push_back(RemoteObject{c.kind, c.id, {{"name", c.key}, {"urlPath", c.key}, {"type", "host"}, {"memo", std::string(kOwnerMarker)}}});
  BatchingRemote r;
  ApplyOptions o{1, nullptr, &now};
  o.batch = 0;  // the remote's: 3
  p.prune = true;
  ApplyReport rep = apply(p, r, o);
  REQUIRE(rep.outcomes.size() == 8);
  CHECK(rep.failed == 2);  // "bad" by the remote, "gone" refused
  for (const auto& out : rep.outcomes) {
    if (out.change->key == "bad") CHECK(out.result.error == "refused");
    else if (out.change->key == "gone") CHECK(out.result.error.find("refused: monitor id 'id-gone' is not on the target") == 0);
    else CHECK(out.result.ok);
  }
  // Updates of monitors three at a time; the dashboard and the delete, alone in their chunks,
  // go through update() and remove() directly.
  REQUIRE(r.batches.size() == 2);
  CHECK(r.batches[0] == std::vector<std::string>{"update id-m0", "update id-m1", "update id-m2"});
  CHECK(r.batches[1] == std::vector<std::string>{"update id-m3", "update id-bad"});
  REQUIRE(r.calls.size() == 7);
  CHECK(r.calls[5] == "update id-d");
  CHECK(r.calls[6] == "delete id-x");

  // --batch 1: one at a time, writeBatch never called.
  BatchingRemote one;
  o.batch = 1;
  CHECK(apply(p, one, o).failed == 2);
  CHECK(one.batches.empty());
  CHECK(one.calls.size() == 7);
}

TEST_CASE("local target behaves like the service") {
  auto dir = std::filesystem::temp_directory_path() / std::string("monitorc-local-").append(std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string openErr;
  auto remote = local::makeRemote("demo", dir.string(), openErr);
  REQUIRE(remote);
  OpResult c = remote->create(ObjKind::Monitor, "x", J(R"({"type":"host","name":"x","metric":"cpu%","scopes":["a:b"]})"));
  REQUIRE(c.ok);
  CHECK(c.id.size() == 11);
  RemoteState rs;
  std::string err;
  REQUIRE(remote->fetch(rs, err));
  REQUIRE(rs.monitors.size() == 1);
  CHECK(rs.monitors[0].body["scopes"][0] == "a: b");
  CHECK(rs.monitors[0].body["maxCheckAttempts"] == 1);
  CHECK(rs.monitors[0].body["isMute"] == false);
  CHECK_FALSE(remote->update(ObjKind::Monitor, c.id, J(R"({"type":"service","name":"x"})")).ok);
  REQUIRE(remote->create(ObjKind::Dashboard, "a", J(R"({"title":"t","urlPath":"a","widgets":[]})")).ok);
  OpResult dup = remote->create(ObjKind::Dashboard, "a", J(R"({"title":"t2","urlPath":"a","widgets":[]})"));
  CHECK_FALSE(dup.ok);
  CHECK(dup.error.find("already in use") != std::string::npos);
  CHECK(remote->remove(ObjKind::Monitor, c.id).ok);
  RemoteState after;
  REQUIRE(remote->fetch(after, err));
  CHECK(after.monitors.empty());
  CHECK(after.dashboards.size() == 1);
  std::filesystem::remove_all(dir);
}

#include "net/retry.h"
#include "support/terminal.h"

TEST_CASE("retries: what cannot succeed is not retried, Retry-After is parsed without overflow and clamped") {
  using mon::net::Retrier;
  using mon::net::RetryPolicy;
  Response tls;
  tls.transport = "TLS certificate verification failed";
  tls.permanent = true;
  CHECK_FALSE(mon::net::retryable(tls));
  Response reset;
  reset.transport = "connection reset";
  CHECK(mon::net::retryable(reset));
  for (int s : {400, 401, 403, 404, 409, 422, 501}) {
    Response r;
    r.status = s;
    CHECK_FALSE(mon::net::retryable(r));
  }
  for (int s : {408, 429, 500, 502, 503}) {
    Response r;
    r.status = s;
    CHECK(mon::net::retryable(r));
  }
  Response r429;
  r429.status = 429;
  r429.headers["retry-after"] = "9223372036854775808";
  CHECK(mon::net::retryAfterMs(r429, 60000, 0) == 60000);
  r429.headers["retry-after"] = "2";
  CHECK(mon::net::retryAfterMs(r429, 60000, 0) == 2000);
  r429.headers["retry-after"] = "Thu, 01 Jan 1970 00:00:30 GMT";
  CHECK(mon::net::retryAfterMs(r429, 60000, 0) == 30000);
  CHECK(mon::net::retryAfterMs(r429, 60000, 100) == 0);
  // The two obsolete HTTP-date forms a recipient must accept too (RFC 9110 5.6.7).
  r429.headers["retry-after"] = "Thursday, 01-Jan-70 00:00:45 GMT";
  CHECK(mon::net::retryAfterMs(r429, 60000, 0) == 45000);
  r429.headers["retry-after"] = "Thu Jan  1 00:00:50 1970";
  CHECK(mon::net::retryAfterMs(r429, 60000, 0) == 50000);
  r429.headers["retry-after"] = "Thu, 01 Jan 1970 00:00:30 GMT trailing";
  CHECK(mon::net::retryAfterMs(r429, 60000, 0) == -1);
  r429.headers["retry-after"] = "soon";
  CHECK(mon::net::retryAfterMs(r429, 60000, 0) == -1);

  // A TLS failure is tried once; a huge Retry-After waits at most the remaining budget.
  std::vector<long> waits;
  RetryPolicy p;
  p.budgetMs = 5000;
  Retrier once(p, [&](long ms) { waits.push_back(ms); });
  CHECK_FALSE(once.again(tls));
  CHECK(waits.empty());
  r429.headers["retry-after"] = "9223372036854775808";
  Retrier clamped(p, [&](long ms) { waits.push_back(ms); });
  CHECK(clamped.again(r429));
  REQUIRE(waits.size() == 1);
  CHECK(waits[0] > 0);
  CHECK(waits[0] <= 5000);
  // The run-wide budget ends retries once spent.
  p.runBudget = std::make_shared<std::atomic<long>>(0);
  Retrier spent(p, [&](long ms) { waits.push_back(ms); });
  CHECK_FALSE(spent.again(reset));
}

TEST_CASE("terminalSafe escapes C0, DEL, C1 and bytes that are not UTF-8; malformed hosts are refused") {
  CHECK(mon::terminalSafe("a\x1b[2Jb\n\tc") == "a\\x1b[2Jb\n\tc");
  CHECK(mon::terminalSafe("a\nb", false) == "a\\nb");
  CHECK(mon::terminalSafe("x\x7fy") == "x\\x7fy");
  CHECK(mon::terminalSafe("\xc2\x9b" "31m") == "\\u009b31m");
  CHECK(mon::terminalSafe("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");
  CHECK(mon::terminalSafe("bad\xff") == "bad\\xff");
  CHECK(mon::net::checkBaseUrl("https://api mackerel.io/").find("space") != std::string::npos);
  CHECK(mon::net::checkBaseUrl("https://api_x.io/").find("not a valid host") != std::string::npos);
  CHECK(mon::net::checkBaseUrl("https://api.mackerelio.com:443/") == "");
  CHECK(mon::net::checkBaseUrl("http://[::1]:8080/") == "");
}

TEST_CASE("secrets from the environment: one trailing line break trimmed, control characters refused by name") {
  RemoteOptions o;
  std::string value, err;
  o.getenv = [](const char*) { return "k-1\n"; };
  CHECK(secretFromEnv(o, "KEY", "the key", value, err));
  CHECK(value == "k-1");
  o.getenv = [](const char*) { return "k-1\r\nX-Evil: 1"; };
  CHECK_FALSE(secretFromEnv(o, "KEY", "the key", value, err));
  CHECK(err.find("KEY") != std::string::npos);
  CHECK(err.find("k-1") == std::string::npos);
  o.getenv = [](const char*) -> const char* { return nullptr; };
  CHECK_FALSE(secretFromEnv(o, "KEY", "the key", value, err));
  CHECK(err.find("not set") != std::string::npos);
}

TEST_CASE("planFromJson: a format_version or operation of the wrong type is refused, not thrown or cast") {
  Plan back;
  std::string err;
  // An object as format_version escaped as a json type_error (was a crash in the fuzzer, a raw
  // library message from `apply FILE`).
  Json j = Json::parse(R"({"format_version": {"kind": "grafana"}, "target": {"kind": "local", "name": "x"}, "changes": [], "operations": []})");
  CHECK_FALSE(planFromJson(j, back, err));
  CHECK(err == "not a monitorc plan file (format_version 1)");
  j["format_version"] = 1.5;  // was read as 1
  CHECK_FALSE(planFromJson(j, back, err));
  j["format_version"] = 1e300;  // was cast to int: undefined behaviour
  CHECK_FALSE(planFromJson(j, back, err));
  j["format_version"] = 1;
  REQUIRE(planFromJson(j, back, err));
  j["changes"] = Json::parse(R"([{"action": "delete", "kind": "monitor", "key": "k", "id": "1", "operation": 1e300}])");
  CHECK_FALSE(planFromJson(j, back, err));
  CHECK(err == "plan file: change for 'k' has no valid operation");
  j["changes"][0]["operation"] = 4294967296LL;
  CHECK_FALSE(planFromJson(j, back, err));
  j["changes"][0]["operation"] = -1;
  CHECK(planFromJson(j, back, err));
}

TEST_CASE("markdown plans: code spans and fences survive backticks, HTML is escaped in <summary>") {
  Plan p;
  p.targetKind = "mackerel";
  p.targetName = "`prod`";
  Change c{};
  c.action = Action::Create;
  c.kind = ObjKind::Monitor;
  c.key = "a <b> & `c`";
  c.source = "x<y>.mon:1";
  c.body = Json{{"name", "``` fence\n```"}, {"memo", std::string("bad \xff")}};
  p.changes.push_back(c);
  Change u{};
  u.action = Action::Update;
  u.kind = ObjKind::Monitor;
  u.key = "u";
  u.id = "id`1";
  u.fields.push_back({"q|r", Json(""), Json("`"), true, true});
  u.fields.push_back({"s\\|<b>", Json(nullptr), Json(nullptr), false, false});  // s\|<b>
  p.changes.push_back(u);
  std::string md;
  REQUIRE_NOTHROW(md = renderMarkdown(p));
  // A value starting and ending with a backtick: a longer fence and a space on each side.
  CHECK(md.find("### monitorc plan: mackerel `` `prod` ``\n") != std::string::npos);
  CHECK(md.find("<code>a &lt;b&gt; &amp; `c`</code> (x&lt;y&gt;.mon:1)</summary>") != std::string::npos);
  CHECK(md.find("| `q\\|r` | `\"\"` | ``\"`\"`` |") != std::string::npos);
  // GFM pairs backslashes before splitting cells: s\|<b> needs s\\\| or "<b>" would start a cell.
  CHECK(md.find("| `s\\\\\\|<b>` | `(none)` | `(none)` |") != std::string::npos);
  // The created object's fields: bad bytes replaced; text of several lines as a diff in a fence
  // longer than any backtick run in it.
  CHECK(md.find("| `memo` | `\"bad \xef\xbf\xbd\"` |\n") != std::string::npos);
  CHECK(md.find("`name`:\n\n````diff\n@@ -0,0 +1,2 @@\n+``` fence\n+```\n````\n") != std::string::npos);
}

TEST_CASE("markdown plans fit the size given: details while they fit, then one line each, then a count") {
  Plan p;
  p.targetKind = "mackerel";
  p.targetName = "prod";
  for (int i = 0; i < 5000; ++i) {
    Change c{};
    c.action = Action::Create;
    c.kind = ObjKind::Monitor;
    c.key = "monitor number " + std::to_string(i);
    c.source = "main.mon:" + std::to_string(i + 1);
    c.body = Json{{"name", c.key}, {"memo", std::string(200, 'm')}};
    p.changes.push_back(c);
  }
  std::string whole = renderMarkdown(p);
  CHECK(whole.size() > 1000000);
  CHECK(whole.find("Shortened") == std::string::npos);
  std::string md = renderMarkdown(p, 60000);
  CHECK(md.size() <= 60000);
  CHECK(md.find("| 5000 | 0 | 0 | 0 |") != std::string::npos);  // the counts always come first
  CHECK(md.find("<details><summary><code>+ create</code> monitor <code>monitor number 0</code>") != std::string::npos);
  CHECK(md.find("- <code>+ create</code> monitor <code>monitor number") != std::string::npos);
  CHECK(md.find("more not shown. The whole plan: `monitorc plan --format markdown --max-bytes 0`") != std::string::npos);
  CHECK(md.rfind("Plan: 5000 to create") != std::string::npos);
  // A plan that fits is the same with or without a limit.
  p.changes.resize(3);
  CHECK(renderMarkdown(p, 60000) == renderMarkdown(p));
  // Even a tiny limit gives the counts and the note, never a cut block.
  std::string tiny = renderMarkdown(p, 10);
  CHECK(tiny.find("<details>") == std::string::npos);
  CHECK(tiny.find("3 more not shown") != std::string::npos);
}

TEST_CASE("mackerel plans speak the source's words: names, units, widget titles") {
  Json ext = J(R"({"type":"external","name":"top","url":"https://x/","method":"GET","responseTimeCritical":3000,
                   "notificationInterval":60,"headers":[{"name":"X-Probe","value":"a"}],"maxCheckAttempts":1,"isMute":false})");
  Json ext2 = ext;
  ext2["responseTimeCritical"] = 4000;
  ext2["notificationInterval"] = 120;
  ext2["headers"][0]["value"] = "b";
  ext2["customKey"] = 1;
  Json owned = ext;
  owned["memo"] = "managed-by: monitorc";
  RemoteState rs;
  rs.monitors = {remoteMonitor("1", owned)};
  DiffOptions opts{false, mackerel::normalize, mackerel::fieldWords};
  Plan p = diff({monitor("top", ext2)}, rs, opts);
  const auto& f = find(p, "top").fields;
  REQUIRE(f.size() == 4);
  CHECK(f[0].path == "responseTimeCritical");  // the API's words stay for machines
  CHECK(f[0].words == "response_time_critical");
  CHECK(f[0].beforeWords == "3s");
  CHECK(f[0].afterWords == "4s");
  CHECK(f[1].words == "notification_interval");
  CHECK(f[1].afterWords == "2h");
  CHECK(f[2].words == "headers[\"X-Probe\"]");
  CHECK(f[2].afterWords == "\"b\"");
  CHECK(f[3].words == "raw.customKey");
  std::string text = renderText(p);
  CHECK(text.find("      response_time_critical: 3s -> 4s\n      notification_interval: 1h -> 2h\n") != std::string::npos);

  // Widgets by kind and title (by position when the title does not tell them apart).
  Json board = J(R"({"title":"t","urlPath":"a/b","memo":"","widgets":[
      {"type":"markdown","title":"","layout":{"x":0,"y":0,"width":24,"height":3},"markdown":"x"},
      {"type":"value","title":"Requests","layout":{"x":0,"y":3,"width":6,"height":4},
       "metric":{"type":"service","name":"access","serviceName":"shop"},"suffix":"req","formatRules":[]},
      {"type":"graph","title":"Errors","layout":{"x":6,"y":3,"width":6,"height":4},
       "graph":{"type":"service","name":"5xx","serviceName":"shop"},"range":{"type":"relative","period":21600,"offset":-3600},
       "referenceLines":[]}]})");
  Json board2 = board;
  board2["widgets"][0]["markdown"] = "y";
  board2["widgets"][1]["suffix"] = "reqs";
  board2["widgets"][1]["metric"]["name"] = "access.count";
  board2["widgets"][2]["range"]["period"] = 43200;
  board2["widgets"][2]["layout"]["x"] = 12;
  std::vector<FieldChange> w = diffFields(board, board2);
  std::vector<std::string> words;
  for (auto& x : w) {
    mackerel::fieldWords(ObjKind::Dashboard, "", board, board2, x);
    words.push_back(x.words + ": " + x.beforeWords + " -> " + x.afterWords);
  }
  CHECK(words == std::vector<std::string>{"markdown #1 text: \"x\" -> \"y\"",
                                          "value \"Requests\" metric: \"access\" -> \"access.count\"",
                                          "value \"Requests\" suffix: \"req\" -> \"reqs\"",
                                          "graph \"Errors\" x: 6 -> 12",
                                          "graph \"Errors\" range.period: 6h -> 12h"});
  // A created dashboard lists what the source writes: no widget types, layouts or range types.
  Plan created = diff({Desired{ObjKind::Dashboard, "a/b", "", board, "main.mon:9", {}, "", ""}}, RemoteState{}, opts);
  std::string listing;
  for (const auto& x : find(created, "a/b").fields) listing += x.words + " = " + x.afterWords + "\n";
  CHECK(listing ==
        "title = \"t\"\nmarkdown #1 text = \"x\"\nvalue \"Requests\" metric = \"access\"\nvalue \"Requests\" service = \"shop\"\n"
        "value \"Requests\" suffix = \"req\"\ngraph \"Errors\" metric = \"5xx\"\ngraph \"Errors\" service = \"shop\"\n"
        "graph \"Errors\" range.period = 6h\ngraph \"Errors\" range.offset = -1h\n");
}

TEST_CASE("plans show created and deleted fields, multi-line text as a line diff, and the use site") {
  Json host = J(R"({"type":"host","metric":"cpu%","operator":">","warning":80,"duration":5,"memo":"one\ntwo\nthree"})");
  Desired made = monitor("made", host);
  made.source = "main.mon:20";
  made.templateSource = "main.mon:4";
  made.templateName = "cpu_high";
  Json ownedOld = host;
  ownedOld["name"] = "memo";
  ownedOld["memo"] = "one\n2\nthree\nmanaged-by: monitorc";
  Json gone = host;
  gone["name"] = "gone";
  gone["memo"] = "managed-by: monitorc";
  RemoteState rs;
  rs.monitors = {remoteMonitor("1", ownedOld), remoteMonitor("2", gone)};
  Plan p = diff({made, monitor("memo", host)}, rs, DiffOptions{true, mackerel::normalize, mackerel::fieldWords});
  p.targetKind = "local";
  p.targetName = "t";
  std::string text = renderText(p);
  CHECK(text.find("  + monitor \"made\" (host)  main.mon:20\n      (from template 'cpu_high' at main.mon:4)\n"
                  "      metric = \"cpu%\"\n      operator = \">\"\n      warning = 80\n      duration = 5m\n"
                  "      memo:\n        @@ -0,0 +1,3 @@\n        +one\n        +two\n        +three\n") != std::string::npos);
  CHECK(text.find("  ~ monitor \"memo\" (host)  main.mon:3\n      memo:\n        @@ -1,3 +1,3 @@\n         one\n"
                  "        -2\n        +two\n         three\n") != std::string::npos);
  CHECK(text.find("  - monitor \"gone\" (host)  id 2 (owned, no longer in source; --prune)\n      metric = \"cpu%\"\n") !=
        std::string::npos);
  CHECK(text.find("      duration = 5m\n      max_check_attempts = 1\n  + monitor") != std::string::npos);  // as read
  std::string md = renderMarkdown(p);
  CHECK(md.find("Made by template `cpu_high` (`main.mon:4`).\n\n| field | value |\n|---|---|\n| `metric` | `\"cpu%\"` |\n") !=
        std::string::npos);
  CHECK(md.find("`memo`:\n\n```diff\n@@ -1,3 +1,3 @@\n one\n-2\n+two\n three\n```\n") != std::string::npos);
  // The JSON plan keeps the API's names and carries the words and the template beside them;
  // a saved plan renders the same.
  Json j = planToJson(p);
  CHECK(j["changes"][1]["template"] == J(R"({"name":"cpu_high","source":"main.mon:4"})"));
  CHECK(j["changes"][1]["fields"][3] == J(R"({"path":"duration","after":5,"source_path":"duration","source_after":"5m"})"));
  Plan back;
  std::string err;
  REQUIRE(planFromJson(j, back, err));
  CHECK(renderText(back) == text);
  CHECK(renderMarkdown(back) == md);
}

TEST_CASE("source index: what a template made points at the outermost use, its block in the template as a note") {
  mon::SourceManager sm;
  mon::FileId f = sm.add("main.mon", "template t() {\n  monitor connectivity \"Down\" {}\n}\ntemplate u() {\n  use t()\n}\nuse u()\n");
  auto at = [&](uint32_t line) {  // the first byte of a 1-based line
    uint32_t off = 0;
    for (uint32_t l = 1; l < line; ++l) off = uint32_t(sm.text(f).find('\n', off) + 1);
    return mon::Range{f, off, off + 1};
  };
  mon::ir::Module m;
  mon::ir::Monitor made;
  made.name = "Down";
  made.nameRange = at(2);
  made.madeBy = {{at(5), at(7)}, {"t", "u"}};  // innermost first
  m.monitors.push_back(made);
  mon::ir::Monitor plain;
  plain.name = "plain";
  plain.nameRange = at(3);
  m.monitors.push_back(plain);
  SourceIndex idx = sourceIndex(m, sm);
  Origin o = alertOrigin(idx, "Down (certificate)");
  CHECK(o.source == "main.mon:7");
  CHECK(o.templateSource == "main.mon:2");
  CHECK(o.templateName == "t");
  Origin p = alertOrigin(idx, "plain (response time)");
  CHECK(p.source == "main.mon:3");
  CHECK(p.templateSource.empty());
}

// --- Mackerel routing objects: time zones, and the translation between the API and plans ---

TEST_CASE("time zones: wall-clock times become instants with the zone's offset then") {
  mon::mackerel::TimeZone tz;
  std::string err;
  REQUIRE(tz.load("Asia/Tokyo", err));
  // 2026-12-30 23:00 in Tokyo (+09:00) is 14:00 UTC.
  CHECK(tz.toUtc(1798671600) == 1798639200);
  CHECK_FALSE(tz.offsetChanges(1767225600, 1767225600 + 366 * 86400LL));
  REQUIRE(tz.load("Europe/Berlin", err));
  CHECK(tz.offsetAt(1767225600) == 3600);          // 2026-01-01: CET
  CHECK(tz.offsetAt(1767225600 + 190 * 86400) == 7200);  // July: CEST
  CHECK(tz.offsetChanges(1767225600, 1767225600 + 366 * 86400LL));
  REQUIRE(tz.load("UTC", err));
  CHECK(tz.toUtc(1000) == 1000);
  CHECK_FALSE(tz.load("../etc/passwd", err));
  CHECK_FALSE(tz.load("No/Such_Zone", err));
  CHECK(err.find("No/Such_Zone") != std::string::npos);
}

TEST_CASE("routing wire: ownership in the name, references by key, secrets by fingerprint") {
  using namespace mon::engine::mackerel;
  Names names;
  names.monitors["m1"] = "web cpu";
  names.channels["c1"] = "sre chat";
  Json wireChannel = {{"id", "c1"}, {"type", "slack"}, {"name", "sre chat [monitorc]"}, {"url", "https://hooks.example/T/B/tok"}};
  Json planned = fromWire(ObjKind::Channel, wireChannel, names);
  CHECK(planned["name"] == "sre chat");
  CHECK(hasOwnerMarker(planned.value("memo", "")));
  CHECK(planned["url"]["secret"] == secretFingerprint("https://hooks.example/T/B/tok"));
  CHECK(planned.dump().find("tok") == std::string::npos);

  Json group = {{"name", "rest [monitorc]"}, {"childChannelIds", {"c1", "gone"}}, {"monitors", {{{"id", "m1"}, {"skipDefault", true}}}}};
  Json g = fromWire(ObjKind::NotificationGroup, group, names);
  CHECK(g["childChannelIds"] == Json({"sre chat", "id:gone"}));
  CHECK(g["monitors"][0]["id"] == "web cpu");

  auto idOf = [](ObjKind k, const std::string& key) -> std::string {
    if (k == ObjKind::Channel && key == "sre chat") return "c9";
    if (k == ObjKind::Monitor && key == "web cpu") return "m9";
    return "";
  };
  std::string env = "https://hooks.example/T/B/new";
  auto secretOf = [&](const std::string& name, std::string& v, std::string& err) {
    if (name != "SLACK") return (err = "unset", false);
    v = env;
    return true;
  };
  Json out;
  std::string err;
  std::vector<std::string> secrets;
  REQUIRE(toWire(ObjKind::NotificationGroup, g, idOf, secretOf, out, err, secrets));
  CHECK(out["name"] == "rest [monitorc]");
  CHECK_FALSE(out.contains("memo"));
  CHECK(out["childChannelIds"] == Json({"c9", "gone"}));
  CHECK(out["monitors"][0]["id"] == "m9");

  Json ch = {{"type", "slack"}, {"name", "sre chat"}, {"memo", std::string(kOwnerMarker)}, {"url", plannedSecret("SLACK", env)}};
  REQUIRE(toWire(ObjKind::Channel, ch, idOf, secretOf, out, err, secrets));
  CHECK(out["url"] == env);
  CHECK(secrets == std::vector<std::string>{env});
  // The variable changed since the plan: refused, and the message holds neither value.
  ch["url"] = plannedSecret("SLACK", "https://hooks.example/T/B/old");
  CHECK_FALSE(toWire(ObjKind::Channel, ch, idOf, secretOf, out, err, secrets));
  CHECK(err.find("no longer holds") != std::string::npos);
  CHECK(err.find("hooks.example") == std::string::npos);
  // A name nobody has: refused, naming it.
  g["childChannelIds"] = Json({"nobody"});
  CHECK_FALSE(toWire(ObjKind::NotificationGroup, g, idOf, secretOf, out, err, secrets));
  CHECK(err.find("nobody") != std::string::npos);
}

TEST_CASE("routing wire: an alert group setting names its monitors by key and keeps its memo") {
  using namespace mon::engine::mackerel;
  Names names;
  names.monitors["m1"] = "web cpu";
  Json wire = {{"id", "a1"}, {"name", "critical"}, {"memo", std::string(kOwnerMarker)}, {"monitorScopes", {"m1", "m2"}},
               {"notificationInterval", 60}};
  Json planned = fromWire(ObjKind::AlertGroupSetting, wire, names);
  CHECK(planned["name"] == "critical");  // no suffix: the memo holds the marker
  CHECK(planned["monitorScopes"] == Json({"web cpu", "id:m2"}));
  auto idOf = [](ObjKind k, const std::string& key) -> std::string {
    return k == ObjKind::Monitor && key == "web cpu" ? "m9" : "";
  };
  auto secretOf = [](const std::string&, std::string&, std::string& err) { return (err = "none", false); };
  Json out;
  std::string err;
  std::vector<std::string> secrets;
  REQUIRE(toWire(ObjKind::AlertGroupSetting, planned, idOf, secretOf, out, err, secrets));
  CHECK(out["name"] == "critical");
  CHECK(out["memo"] == std::string(kOwnerMarker));
  CHECK(out["monitorScopes"] == Json({"m9", "m2"}));
  CHECK_FALSE(out.contains("id"));
  planned["monitorScopes"] = Json({"db cpu"});
  CHECK_FALSE(toWire(ObjKind::AlertGroupSetting, planned, idOf, secretOf, out, err, secrets));
  CHECK(err.find("db cpu") != std::string::npos);
  CHECK(namesOthers(ObjKind::AlertGroupSetting));
  CHECK(std::string(kindName(ObjKind::AlertGroupSetting)) == "alert_group_setting");
}

TEST_CASE("apply: notification groups are created after channels and deleted before them") {
  Plan p;
  auto change = [](Action a, ObjKind k, const char* key) {
    Change c{a, k, key, a == Action::Create ? "" : std::string("id-") + key, "", "", "", Json::object(), {}};
    return c;
  };
  p.prune = true;
  p.changes = {change(Action::Create, ObjKind::NotificationGroup, "g"), change(Action::Create, ObjKind::Channel, "c"),
               change(Action::Delete, ObjKind::Channel, "old c"), change(Action::Delete, ObjKind::NotificationGroup, "old g")};
  struct Order : Remote {
    std::vector<std::string> seen;
    std::mutex mu;
    std::string describe() const override { return "order"; }
    bool fetch(RemoteState&, std::string&) override { return true; }
    OpResult create(ObjKind k, const std::string& key, const Json&) override { return note("create " + key); }
    OpResult update(ObjKind, const std::string& id, const Json&) override { return note("update " + id); }
    OpResult remove(ObjKind, const std::string& id) override { return note("delete " + id); }
    OpResult note(const std::string& s) {
      std::lock_guard<std::mutex> lock(mu);
      seen.push_back(s);
      return OpResult{true, "x", "", 1, false};
    }
  } remote;
  ApplyOptions o;
  o.parallel = 4;
  ApplyReport r = apply(p, remote, o);
  CHECK(r.failed == 0);
  CHECK(remote.seen == std::vector<std::string>{"create c", "create g", "delete id-old g", "delete id-old c"});
}
