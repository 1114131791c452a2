// `monitorc plan/apply` for a grafana target: the API plan of backends/grafana/apply.h, one
// Change per folder (kind dashboard, type "folder"), dashboard (key: uid) and alert rule
// (kind monitor, type "alert rule", key: title).
#include <chrono>
#include <cstdlib>
#include <set>

#include "direct_target.h"
#include "grafana/apply.h"
#include "prometheus/targets.h"

namespace mon::engine {

namespace {

namespace gf = mon::grafana;

const char* opName(gf::Change::Action a) {
  switch (a) {
    case gf::Change::CreateFolder: return "create_folder";
    case gf::Change::CreateDashboard: return "create_dashboard";
    case gf::Change::UpdateDashboard: return "update_dashboard";
    case gf::Change::DeleteDashboard: return "delete_dashboard";
    case gf::Change::PutRuleGroup: return "put_rule_group";
  }
  return "";
}

bool opAction(const std::string& s, gf::Change::Action& a) {
  for (auto x : {gf::Change::CreateFolder, gf::Change::CreateDashboard, gf::Change::UpdateDashboard,
                 gf::Change::DeleteDashboard, gf::Change::PutRuleGroup})
    if (s == opName(x)) return (a = x, true);
  return false;
}

std::string ruleGroupPath(const std::string& folder, const std::string& group) {
  return "/api/v1/provisioning/folder/" + gf::pathSegment(folder) + "/rule-groups/" + gf::pathSegment(group);
}

// What the target holds, as fingerprints: the folder, the dashboards `uids` (by their stored
// version) and the rule group (its interval, and each rule as read). The URLs are the ones
// gf::makePlan reads, so during planning the answers it got are reused (see Recorder).
bool readState(const gf::Connection& c, const std::string& folder, const std::string& group,
               const std::set<std::string>& uids, Fingerprints& out, std::string& err) {
  // The JSON object at `path`, null for 404.
  auto get = [&](const std::string& path, Json& body) {
    if (!gf::getJson(c, path, body, err)) return false;
    if (!body.is_null() && !body.is_object()) return (err = "GET " + path + ": not a JSON object", false);
    return true;
  };
  Json j;
  if (!get("/api/folders/" + gf::pathSegment(folder), j)) return false;
  if (!j.is_null()) out["folder/" + folder] = {fingerprint({{"uid", j.value("uid", "")}, {"title", j.value("title", "")}}), j.value("title", "")};
  for (const auto& uid : uids) {
    if (!get("/api/dashboards/uid/" + gf::pathSegment(uid), j)) return false;
    if (j.is_null()) continue;
    const Json d = j.contains("dashboard") && j["dashboard"].is_object() ? j["dashboard"] : Json::object();
    out["dashboard/" + uid] = {"v" + std::to_string(d.value("version", 0)), d.value("title", "")};
  }
  if (!get(ruleGroupPath(folder, group), j)) return false;
  if (!j.is_null()) {
    out["rule_group/" + group] = {fingerprint({{"interval", j.value("interval", Json(nullptr))}}), ""};
    if (j.contains("rules") && j["rules"].is_array())
      for (const auto& rule : j["rules"])
        if (rule.is_object()) out["alert_rule/" + rule.value("uid", "")] = {fingerprint(rule), rule.value("title", "")};
  }
  return true;
}

// Keeps the answers to GETs, so the fingerprints describe what the plan was made from.
struct Recorder {
  std::map<std::string, gf::HttpReply> answers;
  gf::HttpSend wrap(gf::HttpSend inner) {
    return [this, inner](const std::string& method, const std::string& url, const gf::Headers& headers,
                         const std::string& body) {
      if (method != "GET") return inner(method, url, headers, body);
      auto it = answers.find(url);
      if (it == answers.end()) it = answers.emplace(url, inner(method, url, headers, body)).first;
      return it->second;
    };
  }
};

class GrafanaTarget : public DirectTarget {
 public:
  GrafanaTarget(gf::Connection c, std::string folder) : conn_(std::move(c)), folder_(std::move(folder)) {}
  ApplyReport apply(const Plan& plan) override {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<OpResult> results;
    // One operation at a time, so each outcome is known (folder, dashboards, deletes, rules).
    for (const auto& op : plan.operations) {
      gf::Plan one{plan.targetName, conn_.url, folder_, {}, {}, nullptr};
      gf::Change ch{gf::Change::CreateFolder, op.value("key", ""), op.value("body", Json(nullptr)), op.value("version", 0), {}, nullptr};
      OpResult r;
      if (!opAction(op.value("action", ""), ch.action)) {
        r.error = "unknown operation '" + op.value("action", "") + "'";
        results.push_back(r);
        continue;
      }
      one.changes = {ch};
      gf::ApplyResult res = gf::applyPlan(one, conn_);
      r.ok = res.ok;
      for (const auto& e : res.errors) r.error += (r.error.empty() ? "" : "; ") + e;
      results.push_back(r);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return reportOf(plan, results, secs);
  }
  bool stale(const Plan& plan, std::vector<std::string>& reasons, std::string& err) override {
    std::set<std::string> uids, writtenDashboards;
    bool folderCreated = false, groupPut = false;
    for (const auto& [key, fp] : plan.fingerprints)
      if (key.rfind("dashboard/", 0) == 0) uids.insert(key.substr(10));
    for (const auto& op : plan.operations) {
      std::string a = op.value("action", "");
      if (a == "create_folder") folderCreated = true;
      else if (a == "put_rule_group") groupPut = true;
      else writtenDashboards.insert(op.value("key", ""));
    }
    uids.insert(writtenDashboards.begin(), writtenDashboards.end());
    Fingerprints now;
    if (!readState(conn_, folder_, plan.targetName, uids, now, err)) return false;
    // A new rule in the group would be removed by the saved group PUT: stale.
    reasons = staleReasons(plan.fingerprints, now, [&](const std::string& key) {
      if (key.rfind("dashboard/", 0) == 0) return writtenDashboards.count(key.substr(10)) > 0;
      if (key.rfind("folder/", 0) == 0) return folderCreated;
      return groupPut && (key.rfind("alert_rule/", 0) == 0 || key.rfind("rule_group/", 0) == 0);
    });
    return true;
  }

 private:
  gf::Connection conn_;
  std::string folder_;
};

const Json* findUid(const Json& rules, const std::string& uid) {
  if (!rules.is_array()) return nullptr;
  for (const auto& r : rules)
    if (r.is_object() && r.value("uid", "") == uid) return &r;
  return nullptr;
}

std::string ruleSourceOf(const SourceIndex& idx, const Json& rule) {
  std::string summary;
  if (rule.contains("annotations") && rule["annotations"].is_object()) summary = rule["annotations"].value("summary", "");
  std::string s = alertSource(idx, summary);
  if (s.empty()) {  // "NAME (critical)" / "NAME (aspect, critical)"
    std::string title = rule.value("title", "");
    if (size_t open = title.rfind(" ("); open != std::string::npos) s = alertSource(idx, title.substr(0, open));
  }
  return s;
}

// A dashboard that is only listed (unchanged, or a prune candidate).
Change listed(Action a, const std::string& uid, const std::string& source) {
  Change c{};
  c.action = a;
  c.kind = ObjKind::Dashboard;
  c.key = c.id = uid;
  c.source = source;
  return c;
}

}  // namespace

bool connectGrafana(const std::string& name, const std::string& url, const std::string& keyEnv, const RemoteOptions& opts,
                    gf::Connection& conn, std::string& err) {
  std::string token;
  if (!secretFromEnv(opts, keyEnv, "the API token for grafana target '" + name + "'", token, err)) return false;
  std::shared_ptr<net::Client> client = opts.client ? opts.client : std::shared_ptr<net::Client>(net::makeCurlClient(opts.http));
  conn = gf::Connection{url, token, [client, opts](const std::string& method, const std::string& u, const gf::Headers& headers,
                                                   const std::string& body) {
                          net::Request req{method, u, headers, body};
                          net::Response r = sendLogged(*client, req, opts);
                          return gf::HttpReply{r.transport.empty() ? r.status : 0, r.transport.empty() ? r.body : r.transport};
                        }};
  return true;
}

std::unique_ptr<DirectTarget> planGrafana(const ir::Module& m, const SourceManager& sm, const OutputFiles& built,
                                          const TargetSpec& spec, bool prune, const RemoteOptions& opts, Plan& plan,
                                          std::string& err) {
  std::string at = targetWhere(m, sm, spec.name);
  const ir::Target* target = nullptr;
  for (const auto& t : m.targets)
    if (t.kind == "grafana" && t.name == spec.name) target = &t;
  if (!target) return (err = "no grafana target named '" + spec.name + "'", nullptr);
  if (spec.where.empty()) return (err = at + "grafana target '" + spec.name + "' has no url (Grafana's base URL)", nullptr);
  if (std::string why = net::checkBaseUrl(spec.where); !why.empty())
    return (err = at + "grafana target '" + spec.name + "': url: " + why, nullptr);
  gf::TargetSettings settings = gf::settingsOf(*target);
  if (!gf::validUid(settings.folder))
    return (err = at + "grafana target '" + spec.name + "': folder '" + settings.folder +
                  "' is not a valid Grafana folder uid (1 to 40 letters, digits, '-' or '_')", nullptr);
  std::string url = net::withoutTrailingSlash(spec.where);
  gf::Connection conn;
  if (!connectGrafana(spec.name, url, spec.keyEnv, opts, conn, err)) return nullptr;
  plan.where = url + ", folder " + settings.folder;
  plan.keyEnv = spec.keyEnv;
  plan.url = url;
  plan.folder = settings.folder;

  Recorder rec;
  gf::Connection reading = conn;
  reading.http = rec.wrap(conn.http);
  gf::Plan bp;
  if (!gf::makePlan(built, settings, reading, prune, bp, err)) {
    err = "reading grafana \"" + spec.name + "\" (" + url + "): " + err;
    return nullptr;
  }

  SourceIndex idx = sourceIndex(m, sm);
  std::map<std::string, std::string> dashSource;  // uid -> file:line
  for (const auto& d : m.dashboards)
    if (targets::selects(d.targets, *target)) dashSource[gf::dashboardUid(d.urlPath)] = idx.dashboards[d.urlPath];
  std::vector<std::pair<Change, int>> items;
  int group = -1;
  std::set<std::string> touched;
  for (size_t i = 0; i < bp.changes.size(); ++i) {
    const gf::Change& ch = bp.changes[i];
    Change c{};
    c.kind = ObjKind::Dashboard;
    c.key = ch.key;
    switch (ch.action) {
      case gf::Change::CreateFolder:
        c.action = Action::Create;
        c.type = "folder";
        c.body = ch.body;
        break;
      case gf::Change::CreateDashboard:
        c.action = Action::Create;
        c.source = dashSource[ch.key];
        c.body = ch.body;
        break;
      case gf::Change::UpdateDashboard:
        c.action = Action::Update;
        c.id = ch.key;
        c.source = dashSource[ch.key];
        c.body = ch.body;
        c.fields = diffFields(gf::normalizeDashboard(ch.remote), gf::normalizeDashboard(ch.body));
        for (const auto& d : ch.details)
          if (d.rfind("move from folder", 0) == 0) c.fields.insert(c.fields.begin(), {"folder", d, settings.folder, true, true});
        break;
      case gf::Change::DeleteDashboard:
        c.action = Action::Delete;
        c.id = ch.key;
        break;
      case gf::Change::PutRuleGroup:
        group = int(i);
        continue;
    }
    touched.insert(ch.key);
    items.push_back({std::move(c), int(i)});
  }
  // Built dashboards without a change, and (without --prune) owned ones gone from the source.
  std::string base = "grafana/" + targets::fileSafe(spec.name) + "/";
  Json builtRules = Json::array();
  for (const auto& [path, text] : built) {
    if (path.rfind(base + "dashboards/", 0) == 0) {
      std::string uid = Json::parse(text).value("uid", "");
      if (!touched.count(uid)) items.push_back({listed(Action::NoChange, uid, dashSource[uid]), -1});
    } else if (path.rfind(base + "alert-rules/", 0) == 0) {
      Json g = Json::parse(text);
      if (g.contains("rules") && g["rules"].is_array()) builtRules = g["rules"];
    }
  }
  if (!prune)
    for (const auto& uid : bp.orphanDashboards) items.push_back({listed(Action::Orphan, uid, ""), -1});
  // Rules: built ones against the group as read; the group PUT carries every rule change.
  Json remoteRules = bp.remoteGroup.is_object() && bp.remoteGroup.contains("rules") ? bp.remoteGroup["rules"] : Json::array();
  size_t firstRule = items.size();
  for (const auto& w : builtRules) {
    Change c{};
    c.kind = ObjKind::Monitor;
    c.key = w.value("title", "");
    c.type = "alert rule";
    c.source = ruleSourceOf(idx, w);
    const Json* h = findUid(remoteRules, w.value("uid", ""));
    if (!h) {
      c.action = Action::Create;
      c.body = w;
    } else {
      c.id = w.value("uid", "");
      c.fields = diffFields(gf::normalizeRule(*h), gf::normalizeRule(w));
      c.action = c.fields.empty() ? Action::NoChange : Action::Update;
      if (!c.fields.empty()) c.body = w;
    }
    items.push_back({std::move(c), group});
  }
  for (const auto& h : remoteRules) {
    if (!h.is_object() || findUid(builtRules, h.value("uid", ""))) continue;
    Change c{};
    c.kind = ObjKind::Monitor;
    c.key = h.value("title", "");
    c.type = "alert rule";
    c.id = h.value("uid", "");
    c.action = !gf::ownedRule(h) ? Action::Ignore : prune ? Action::Delete : Action::Orphan;
    int link = c.action == Action::Delete ? group : -1;
    items.push_back({std::move(c), link});
  }
  bool shown = false;
  for (size_t i = firstRule; i < items.size(); ++i)
    shown = shown || items[i].first.action == Action::Create || items[i].first.action == Action::Update ||
            items[i].first.action == Action::Delete;
  if (group >= 0 && !shown) {  // only the interval or the order differs
    const gf::Change& ch = bp.changes[group];
    Change c{};
    c.action = bp.remoteGroup.is_object() ? Action::Update : Action::Create;
    c.kind = ObjKind::Monitor;
    c.key = ch.key;
    c.type = "alert rule group";
    c.body = ch.body;
    c.fields.push_back({"interval", bp.remoteGroup.is_object() ? bp.remoteGroup.value("interval", Json(nullptr)) : Json(nullptr),
                        ch.body.value("interval", Json(nullptr)), bp.remoteGroup.is_object(), true});
    items.push_back({std::move(c), group});
  }
  setChanges(plan, std::move(items));
  plan.operations = Json::array();
  for (const auto& ch : bp.changes) {
    Json op = {{"action", opName(ch.action)}, {"key", ch.key}};
    if (!ch.body.is_null()) op["body"] = ch.body;
    if (ch.action == gf::Change::UpdateDashboard) op["version"] = ch.version;
    plan.operations.push_back(op);
  }
  // Fingerprints of what the plan was made from: the answers makePlan got (recorded), and the
  // versions of the owned dashboards gone from the source (prune candidates).
  std::set<std::string> uids;
  for (const auto& [path, text] : built)
    if (path.rfind(base + "dashboards/", 0) == 0) uids.insert(Json::parse(text).value("uid", ""));
  uids.insert(bp.orphanDashboards.begin(), bp.orphanDashboards.end());
  Fingerprints read;
  if (!readState(reading, settings.folder, settings.name, uids, read, err)) {
    err = "reading grafana \"" + spec.name + "\" (" + url + "): " + err;
    return nullptr;
  }
  for (const auto& [key, v] : read) plan.fingerprints[key] = v.first;
  return std::make_unique<GrafanaTarget>(std::move(conn), settings.folder);
}

std::unique_ptr<DirectTarget> openGrafana(const Plan& plan, const RemoteOptions& opts, std::string& err) {
  if (plan.url.empty() || plan.folder.empty() || plan.keyEnv.empty())
    return (err = "plan file: grafana target '" + plan.targetName + "' without url, folder or api_key_env", nullptr);
  if (std::string why = checkPlanTargetName(plan); !why.empty()) return (err = why, nullptr);
  if (std::string why = net::checkBaseUrl(plan.url); !why.empty())
    return (err = "plan file: grafana target '" + plan.targetName + "': url: " + why, nullptr);
  // Every uid the plan names goes into a request path (reading for staleness, then writing):
  // each must be one Grafana accepts, and agree with the object it belongs to.
  const std::string uidRule = " (a Grafana uid is 1 to 40 letters, digits, '-' or '_')";
  if (!gf::validUid(plan.folder)) return (err = "plan file: folder '" + plan.folder + "' is not a valid uid" + uidRule, nullptr);
  for (const auto& [key, fp] : plan.fingerprints) {
    std::string kind = key.substr(0, key.find('/')), uid = key.find('/') == std::string::npos ? "" : key.substr(key.find('/') + 1);
    bool ok = kind == "folder" ? uid == plan.folder
              : kind == "dashboard" || kind == "alert_rule" ? gf::validUid(uid)
              : kind == "rule_group" && uid == plan.targetName;
    if (!ok) return (err = "plan file: fingerprint '" + key + "' is not one this target's plan makes", nullptr);
  }
  for (const auto& op : plan.operations) {
    gf::Change::Action a;
    if (!opAction(op.value("action", ""), a)) return (err = "plan file: unknown operation '" + op.value("action", "") + "'", nullptr);
    std::string what = "plan file: operation '" + op.value("action", "") + "'";
    if (!op.contains("key") || !op["key"].is_string()) return (err = what + " without a key", nullptr);
    const std::string key = op["key"].get<std::string>();
    const Json body = op.contains("body") && op["body"].is_object() ? op["body"] : Json::object();
    if (a == gf::Change::PutRuleGroup) {
      if (key != plan.targetName)
        return (err = what + ": the rule group is '" + key + "', not the target's ('" + plan.targetName + "')", nullptr);
      if (body.contains("rules") && !body["rules"].is_array()) return (err = what + ": 'rules' is not a list", nullptr);
      if (body.contains("rules"))
        for (const auto& r : body["rules"])
          if (!r.is_object() || !r.contains("uid") || !r["uid"].is_string() || !gf::validUid(r["uid"].get<std::string>()))
            return (err = what + ": a rule without a valid uid" + uidRule, nullptr);
    } else if (!gf::validUid(key)) {
      return (err = what + ": key '" + key + "' is not a valid uid" + uidRule, nullptr);
    } else if (a == gf::Change::CreateFolder && key != plan.folder) {
      return (err = what + ": folder '" + key + "' is not the target's ('" + plan.folder + "')", nullptr);
    } else if (a != gf::Change::DeleteDashboard && body.value("uid", Json(nullptr)) != Json(key)) {
      return (err = what + ": the body's uid is not the key '" + key + "'", nullptr);
    }
    if (a != gf::Change::DeleteDashboard && !(op.contains("body") && op["body"].is_object()))
      return (err = what + " without a body", nullptr);
    // Checked here, not while applying: a bad field must stop the plan before its first write.
    if (a == gf::Change::UpdateDashboard && !(op.contains("version") && op["version"].is_number_integer()))
      return (err = what + " without the dashboard's version", nullptr);
    // Only `plan --prune --out` writes a delete; nothing is removed without --prune.
    if (a == gf::Change::DeleteDashboard && !plan.prune) return (err = "plan file: a delete in a plan made without --prune", nullptr);
  }
  gf::Connection conn;
  if (!connectGrafana(plan.targetName, plan.url, plan.keyEnv, opts, conn, err)) return nullptr;
  return std::make_unique<GrafanaTarget>(std::move(conn), plan.folder);
}

}  // namespace mon::engine
