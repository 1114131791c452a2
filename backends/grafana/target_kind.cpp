// `target grafana`: plan/apply through the API plan of apply.h, one Change per folder (kind
// dashboard, type "folder"), dashboard (key: uid) and alert rule (kind monitor, type "alert
// rule", key: title); pull through pull.cpp.
#include "grafana/target_kind.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>

#include "grafana/apply.h"
#include "grafana/routing.h"
#include "prometheus/targets.h"
#include "diff.h"
#include "net/decorators.h"
#include "target_support.h"

namespace mon::grafana {

namespace {

namespace gf = mon::grafana;
using namespace mon::engine;
// This backend's own plan types are spelled with their namespace; these are the engine's.
using engine::Action;
using engine::ApplyOptions;
using engine::ApplyReport;
using engine::Change;
using engine::Plan;

const char* opName(gf::Change::Action a) {
  switch (a) {
    case gf::Change::CreateFolder: return "create_folder";
    case gf::Change::CreateDashboard: return "create_dashboard";
    case gf::Change::UpdateDashboard: return "update_dashboard";
    case gf::Change::DeleteDashboard: return "delete_dashboard";
    case gf::Change::PutRuleGroup: return "put_rule_group";
    case gf::Change::CreateMuteTiming: return "create_mute_timing";
    case gf::Change::UpdateMuteTiming: return "update_mute_timing";
    case gf::Change::DeleteMuteTiming: return "delete_mute_timing";
    case gf::Change::CreateContactPoint: return "create_contact_point";
    case gf::Change::UpdateContactPoint: return "update_contact_point";
    case gf::Change::DeleteContactPoint: return "delete_contact_point";
    case gf::Change::PutPolicies: return "put_policies";
  }
  return "";
}

bool routingAction(gf::Change::Action a) { return a > gf::Change::PutRuleGroup; }

// The fingerprint key of what a routing operation writes.
std::string routingKey(gf::Change::Action a, const std::string& key) {
  switch (a) {
    case gf::Change::CreateMuteTiming:
    case gf::Change::UpdateMuteTiming:
    case gf::Change::DeleteMuteTiming: return "mute_timing/" + key;
    case gf::Change::CreateContactPoint:
    case gf::Change::UpdateContactPoint:
    case gf::Change::DeleteContactPoint: return "contact_point/" + key;
    case gf::Change::PutPolicies: return "policies/tree";
    default: return "";
  }
}

bool opAction(const std::string& s, gf::Change::Action& a) {
  for (auto x : {gf::Change::CreateFolder, gf::Change::CreateDashboard, gf::Change::UpdateDashboard,
                 gf::Change::DeleteDashboard, gf::Change::PutRuleGroup, gf::Change::CreateMuteTiming,
                 gf::Change::UpdateMuteTiming, gf::Change::DeleteMuteTiming, gf::Change::CreateContactPoint,
                 gf::Change::UpdateContactPoint, gf::Change::DeleteContactPoint, gf::Change::PutPolicies})
    if (s == opName(x)) return (a = x, true);
  return false;
}

std::string ruleGroupPath(const std::string& folder, const std::string& group) {
  return "/api/v1/provisioning/folder/" + gf::pathSegment(folder) + "/rule-groups/" + gf::pathSegment(group);
}

// What the target holds, as fingerprints: the folder, the dashboards `uids` (by their stored
// version) and the rule group (its interval, and each rule as read). The URLs are the ones
// gf::makePlan reads, so during planning the answers it got are reused (net::ReplayingClient).
bool readState(const gf::Connection& c, const std::string& folder, const std::string& group,
               const std::set<std::string>& uids, bool routing, Fingerprints& out, std::string& err) {
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
  if (!routing) return true;
  // Routing: the owned contact points and mute timings, and the tree (as gf::planRouting reads them).
  Json list;
  if (!gf::getJson(c, "/api/v1/provisioning/contact-points", list, err)) return false;
  if (list.is_array())
    for (const auto& cp : list)
      if (gf::ownedContactPoint(cp)) out["contact_point/" + cp.value("uid", "")] = {fingerprint(cp), cp.value("name", "")};
  if (!gf::getJson(c, "/api/v1/provisioning/mute-timings", list, err)) return false;
  if (list.is_array())
    for (const auto& mt : list)
      if (mt.is_object() && gf::ownedMuteTiming(mt.value("name", ""))) {
        Json body = mt;
        body.erase("version");
        out["mute_timing/" + mt.value("name", "")] = {fingerprint(body), mt.value("name", "")};
      }
  if (!gf::getJson(c, "/api/v1/provisioning/policies", j, err)) return false;
  if (j.is_object()) out["policies/tree"] = {fingerprint(j), "the notification policy tree"};
  return true;
}

class GrafanaTarget : public engine::Target {
 public:
  GrafanaTarget(gf::Connection c, std::string name, std::string folder, const TargetContext* ctx)
      : conn_(std::move(c)), name_(std::move(name)), folder_(std::move(folder)),
        ctx_(ctx ? std::make_unique<TargetContext>(*ctx) : nullptr) {}
  bool plan(bool prune, Plan& plan, std::string& err) override;
  std::string checkSaved(const Plan& saved) override;
  bool pull(bool ownedOnly, PulledSource& out, std::vector<std::string>& warnings, std::string& err) override {
    if (!ctx_) return (err = "grafana target '" + name_ + "': no source to pull for", false);
    return pullTarget(ctx_->declared, conn_, ownedOnly, out, warnings, err);
  }
  ApplyReport apply(const Plan& plan, const ApplyOptions&) override {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<OpResult> results;
    // One operation at a time, so each outcome is known (folder, dashboards, deletes, rules).
    for (const auto& op : plan.operations) {
      gf::Plan one{plan.targetName, conn_.url, folder_, {}, {}, nullptr, nullptr, nullptr, nullptr};
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
    std::set<std::string> uids, writtenDashboards, writtenRouting;
    bool folderCreated = false, groupPut = false, routing = false;
    for (const auto& [key, fp] : plan.fingerprints) {
      if (key.rfind("dashboard/", 0) == 0) uids.insert(key.substr(10));
      if (key == "policies/tree") routing = true;
    }
    for (const auto& op : plan.operations) {
      std::string a = op.value("action", "");
      gf::Change::Action action;
      if (a == "create_folder") folderCreated = true;
      else if (a == "put_rule_group") groupPut = true;
      else if (opAction(a, action) && routingAction(action)) writtenRouting.insert(routingKey(action, op.value("key", "")));
      else writtenDashboards.insert(op.value("key", ""));
    }
    uids.insert(writtenDashboards.begin(), writtenDashboards.end());
    Fingerprints now;
    if (!readState(conn_, folder_, plan.targetName, uids, routing, now, err))
      return (err = "reading grafana \"" + name_ + "\" (" + conn_.url + ", folder " + folder_ + "): " + err, false);
    // A new rule in the group would be removed by the saved group PUT: stale.
    reasons = staleReasons(plan.fingerprints, now, [&](const std::string& key) {
      if (key.rfind("dashboard/", 0) == 0) return writtenDashboards.count(key.substr(10)) > 0;
      if (key.rfind("folder/", 0) == 0) return folderCreated;
      if (writtenRouting.count(key)) return true;
      return groupPut && (key.rfind("alert_rule/", 0) == 0 || key.rfind("rule_group/", 0) == 0);
    });
    return true;
  }

 private:
  gf::Connection conn_;
  std::string name_, folder_;
  std::unique_ptr<TargetContext> ctx_;  // null when opened without a source
};

const Json* findUid(const Json& rules, const std::string& uid) {
  if (!rules.is_array()) return nullptr;
  for (const auto& r : rules)
    if (r.is_object() && r.value("uid", "") == uid) return &r;
  return nullptr;
}

Origin ruleOriginOf(const SourceIndex& idx, const Json& rule) {
  std::string summary;
  if (rule.contains("annotations") && rule["annotations"].is_object()) summary = rule["annotations"].value("summary", "");
  Origin o = alertOrigin(idx, summary);
  if (o.source.empty()) {  // "NAME (critical)" / "NAME (aspect, critical)"
    std::string title = rule.value("title", "");
    if (size_t open = title.rfind(" ("); open != std::string::npos) o = alertOrigin(idx, title.substr(0, open));
  }
  return o;
}

// A dashboard that is only listed (unchanged, or a prune candidate).
Change listed(Action a, const std::string& uid, const Origin& origin) {
  Change c{};
  c.action = a;
  c.kind = ObjKind::Dashboard;
  c.key = c.id = uid;
  setOrigin(c, origin);
  return c;
}

bool connectGrafana(const std::string& name, const std::string& url, const std::string& keyEnv, const RemoteOptions& opts,
                    gf::Connection& conn, std::string& err) {
  std::string token;
  if (!secretFromEnv(opts, keyEnv, "the API token for grafana target '" + name + "'", token, err)) return false;
  conn = gf::Connection{url, token, loggedClient(opts, {token}), 16, nullptr};
  conn.readParallel = static_cast<size_t>(std::max(1, opts.readParallel));
  conn.getenv = opts.getenv;
  return true;
}

// A contact point as a plan shows it: the settings Grafana holds as secrets read "(secret)" on
// both sides (Grafana shows none of them; the source's side is a fingerprint).
Json shownContactPoint(Json cp) {
  for (const char* k : {"provenance", gf::kSecureKey}) cp.erase(k);
  if (cp.contains("settings") && cp["settings"].is_object())
    for (auto& [k, v] : cp["settings"].items())
      if (gf::plannedSecret(v) || v == "[REDACTED]") v = "(secret)";
  return cp;
}

Json withoutVersion(Json j) {
  if (j.is_object()) {
    j.erase("version");
    j.erase("provenance");
  }
  return j;
}

// The engine's changes for the routing part of a Grafana plan: each contact point (kind
// channel, key: its name), mute timing (kind downtime) and the policy tree (kind
// notification_group, key "policies"), with the ones that do not change and the orphans.
void routingChanges(const gf::Plan& bp, const OutputFiles& built, const std::string& target, bool prune,
                    const SourceIndex&, const ir::Module& m, const SourceManager& sm, std::vector<std::pair<Change, int>>& items) {
  if (!bp.remotePolicies.is_object()) return;
  std::map<std::string, Origin> channelOrigin, windowOrigin;
  for (const auto& ch : m.channels) channelOrigin[ch.name] = originOf(sm, {}, ch.range);
  for (const auto& w : m.maintenances) windowOrigin[w.name + std::string(gf::kMuteTimingMarker)] = originOf(sm, {}, w.range);
  std::set<std::string> touched;
  for (size_t i = 0; i < bp.changes.size(); ++i) {
    const gf::Change& ch = bp.changes[i];
    if (!routingAction(ch.action)) continue;
    Change c{};
    switch (ch.action) {
      case gf::Change::CreateContactPoint:
      case gf::Change::UpdateContactPoint:
      case gf::Change::DeleteContactPoint: {
        c.kind = ObjKind::Channel;
        c.type = "contact point";
        const Json& named = ch.action == gf::Change::DeleteContactPoint ? ch.remote : ch.body;
        c.key = named.value("name", ch.key);
        setOrigin(c, channelOrigin[c.key]);
        if (ch.action == gf::Change::CreateContactPoint) {
          c.action = Action::Create;
        } else if (ch.action == gf::Change::UpdateContactPoint) {
          c.action = Action::Update;
          c.id = ch.key;
          c.fields = diffFields(shownContactPoint(ch.remote), shownContactPoint(ch.body));
          if (c.fields.empty()) c.fields.push_back({"settings", "(secret)", "(a secret Grafana does not hold)", true, true});
        } else {
          c.action = Action::Delete;
          c.id = ch.key;
        }
        break;
      }
      case gf::Change::CreateMuteTiming:
      case gf::Change::UpdateMuteTiming:
      case gf::Change::DeleteMuteTiming:
        c.kind = ObjKind::Downtime;
        c.type = "mute timing";
        c.key = ch.key;
        setOrigin(c, windowOrigin[c.key]);
        c.action = ch.action == gf::Change::CreateMuteTiming ? Action::Create
                   : ch.action == gf::Change::UpdateMuteTiming ? Action::Update : Action::Delete;
        if (c.action != Action::Create) c.id = ch.key;
        if (c.action == Action::Update) c.fields = diffFields(withoutVersion(ch.remote), ch.body);
        break;
      case gf::Change::PutPolicies:
        c.kind = ObjKind::NotificationGroup;
        c.type = "notification policy tree";
        c.key = "policies";
        c.action = Action::Update;
        c.id = "policies";
        c.fields = diffFields(withoutVersion(ch.remote), ch.body);
        break;
      default: continue;
    }
    if (c.action != Action::Delete) c.body = ch.body;
    touched.insert(std::to_string(int(c.kind)) + "/" + c.key);
    items.push_back({std::move(c), int(i)});
  }
  // Unchanged built objects, and (without --prune) owned ones gone from the source.
  auto listedRouting = [&](Action a, ObjKind kind, const std::string& type, const std::string& key, const std::string& id,
                           const Origin& o) {
    if (touched.count(std::to_string(int(kind)) + "/" + key)) return;
    Change c{};
    c.action = a;
    c.kind = kind;
    c.type = type;
    c.key = key;
    c.id = id;
    setOrigin(c, o);
    items.push_back({std::move(c), -1});
  };
  const std::string dir = gf::routingDir(target);
  Json points = Json::parse(built.at(dir + "contact-points.json")), timings = Json::parse(built.at(dir + "mute-timings.json"));
  for (const auto& cp : points)
    listedRouting(Action::NoChange, ObjKind::Channel, "contact point", cp.value("name", ""), cp.value("uid", ""), channelOrigin[cp.value("name", "")]);
  for (const auto& mt : timings)
    listedRouting(Action::NoChange, ObjKind::Downtime, "mute timing", mt.value("name", ""), mt.value("name", ""), windowOrigin[mt.value("name", "")]);
  listedRouting(Action::NoChange, ObjKind::NotificationGroup, "notification policy tree", "policies", "policies", Origin{});
  if (!prune) {
    for (const auto& cp : bp.remoteContactPoints) {
      bool built = false;
      for (const auto& b : points) built = built || b.value("uid", "") == cp.value("uid", "");
      if (!built) listedRouting(Action::Orphan, ObjKind::Channel, "contact point", cp.value("name", ""), cp.value("uid", ""), Origin{});
    }
    for (const auto& mt : bp.remoteMuteTimings) {
      bool built = false;
      for (const auto& b : timings) built = built || b.value("name", "") == mt.value("name", "");
      if (!built) listedRouting(Action::Orphan, ObjKind::Downtime, "mute timing", mt.value("name", ""), mt.value("name", ""), Origin{});
    }
  }
}

bool GrafanaTarget::plan(bool prune, Plan& plan, std::string& err) {
  if (!ctx_) return (err = "grafana target '" + name_ + "': no source to plan from", false);
  const ir::Module& m = ctx_->module;
  const SourceManager& sm = ctx_->sources;
  const ir::Target* target = &ctx_->declared;
  OutputFiles built;
  if (!ctx_->build(built)) return (err = "", false);
  const gf::TargetSettings settings = gf::settingsOf(*target);
  const std::string url = conn_.url;
  const struct {
    std::string name;
  } spec{name_};
  const gf::Connection& conn = conn_;
  // The fingerprints are read after the plan, from the same GET answers the plan was made from.
  gf::Connection reading = conn;
  reading.http = std::make_shared<net::ReplayingClient>(conn.http);
  gf::Plan bp;
  if (!gf::makePlan(built, settings, reading, prune, bp, err)) {
    err = "reading grafana \"" + spec.name + "\" (" + url + "): " + err;
    return false;
  }

  SourceIndex idx = sourceIndex(m, sm);
  std::map<std::string, Origin> dashSource;  // uid -> where it is made
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
        setOrigin(c, dashSource[ch.key]);
        c.body = ch.body;
        break;
      case gf::Change::UpdateDashboard:
        c.action = Action::Update;
        c.id = ch.key;
        setOrigin(c, dashSource[ch.key]);
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
      default:  // routing: below
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
    for (const auto& uid : bp.orphanDashboards) items.push_back({listed(Action::Orphan, uid, Origin{}), -1});
  // Rules: built ones against the group as read; the group PUT carries every rule change.
  Json remoteRules = bp.remoteGroup.is_object() && bp.remoteGroup.contains("rules") ? bp.remoteGroup["rules"] : Json::array();
  size_t firstRule = items.size();
  for (const auto& w : builtRules) {
    Change c{};
    c.kind = ObjKind::Monitor;
    c.key = w.value("title", "");
    c.type = "alert rule";
    setOrigin(c, ruleOriginOf(idx, w));
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
  routingChanges(bp, built, settings.name, prune, idx, m, sm, items);
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
  if (!readState(reading, settings.folder, settings.name, uids, bp.remotePolicies.is_object(), read, err)) {
    err = "reading grafana \"" + spec.name + "\" (" + url + "): " + err;
    return false;
  }
  for (const auto& [key, v] : read) plan.fingerprints[key] = v.first;
  plan.prune = prune;
  return true;
}

std::string GrafanaTarget::checkSaved(const Plan& plan) {
  if (std::string why = checkPlanTargetName(plan); !why.empty()) return why;
  // Every uid the plan names goes into a request path (reading for staleness, then writing):
  // each must be one Grafana accepts, and agree with the object it belongs to.
  const std::string uidRule = " (a Grafana uid is 1 to 40 letters, digits, '-' or '_')";
  for (const auto& [key, fp] : plan.fingerprints) {
    std::string kind = key.substr(0, key.find('/')), uid = key.find('/') == std::string::npos ? "" : key.substr(key.find('/') + 1);
    bool ok = kind == "folder" ? uid == folder_
              : kind == "dashboard" || kind == "alert_rule" ? gf::validUid(uid)
              : kind == "contact_point" ? gf::validUid(uid) && gf::ownedContactPoint(Json{{"uid", uid}})
              : kind == "mute_timing" ? gf::ownedMuteTiming(uid)
              : kind == "policies" ? uid == "tree"
              : kind == "rule_group" && uid == plan.targetName;
    if (!ok) return "plan file: fingerprint '" + key + "' is not one this target's plan makes";
  }
  for (const auto& op : plan.operations) {
    gf::Change::Action a;
    if (!opAction(op.value("action", ""), a)) return "plan file: unknown operation '" + op.value("action", "") + "'";
    std::string what = "plan file: operation '" + op.value("action", "") + "'";
    if (!op.contains("key") || !op["key"].is_string()) return what + " without a key";
    const std::string key = op["key"].get<std::string>();
    const Json body = op.contains("body") && op["body"].is_object() ? op["body"] : Json::object();
    if (routingAction(a)) {
      bool cp = a == gf::Change::CreateContactPoint || a == gf::Change::UpdateContactPoint || a == gf::Change::DeleteContactPoint;
      bool mt = a == gf::Change::CreateMuteTiming || a == gf::Change::UpdateMuteTiming || a == gf::Change::DeleteMuteTiming;
      bool writes = a != gf::Change::DeleteContactPoint && a != gf::Change::DeleteMuteTiming;
      if (cp && !(gf::validUid(key) && gf::ownedContactPoint(Json{{"uid", key}})))
        return what + ": key '" + key + "' is not the uid of a contact point monitorc owns";
      if (mt && !gf::ownedMuteTiming(key)) return what + ": '" + key + "' is not the name of a mute timing monitorc owns";
      if (a == gf::Change::PutPolicies && key != "policies") return what + ": the key is not 'policies'";
      if (writes && !(op.contains("body") && op["body"].is_object())) return what + " without a body";
      if (cp && writes && (body.value("uid", Json(nullptr)) != Json(key) || !body.contains("settings") || !body["settings"].is_object()))
        return what + ": the body's uid is not the key '" + key + "', or it has no settings";
      if (mt && writes && body.value("name", Json(nullptr)) != Json(key)) return what + ": the body's name is not the key '" + key + "'";
      if (!writes && !plan.prune) return "plan file: a delete in a plan made without --prune";
      continue;
    }
    if (a == gf::Change::PutRuleGroup) {
      if (key != plan.targetName)
        return what + ": the rule group is '" + key + "', not the target's ('" + plan.targetName + "')";
      if (body.contains("rules") && !body["rules"].is_array()) return what + ": 'rules' is not a list";
      if (body.contains("rules"))
        for (const auto& r : body["rules"])
          if (!r.is_object() || !r.contains("uid") || !r["uid"].is_string() || !gf::validUid(r["uid"].get<std::string>()))
            return what + ": a rule without a valid uid" + uidRule;
    } else if (!gf::validUid(key)) {
      return what + ": key '" + key + "' is not a valid uid" + uidRule;
    } else if (a == gf::Change::CreateFolder && key != folder_) {
      return what + ": folder '" + key + "' is not the target's ('" + folder_ + "')";
    } else if (a != gf::Change::DeleteDashboard && body.value("uid", Json(nullptr)) != Json(key)) {
      return what + ": the body's uid is not the key '" + key + "'";
    }
    if (a != gf::Change::DeleteDashboard && !(op.contains("body") && op["body"].is_object()))
      return what + " without a body";
    // Checked here, not while applying: a bad field must stop the plan before its first write.
    if (a == gf::Change::UpdateDashboard && !(op.contains("version") && op["version"].is_number_integer()))
      return what + " without the dashboard's version";
    // Only `plan --prune --out` writes a delete; nothing is removed without --prune.
    if (a == gf::Change::DeleteDashboard && !plan.prune) return "plan file: a delete in a plan made without --prune";
  }
  return writesByOperations(plan);
}

std::string tokenEnvOf(const ir::Target& t) { return t.props.str("token_env", "GRAFANA_TOKEN"); }

void checkSettings(const ir::Target& t, bool forPlan, DiagEngine& diags) {
  if (t.props.str("url").empty()) {
    if (forPlan) diags.report(t.range, diag::err_target_setting_missing, {"grafana", t.name, "url", "Grafana's base URL"});
  } else if (std::string why = net::checkBaseUrl(t.props.str("url")); !why.empty())
    diags.report(engine::settingRange(t, "url"), diag::err_target_setting_invalid, {"grafana", t.name, "url: " + why});
  std::string folder = gf::settingsOf(t).folder;
  if (!gf::validUid(folder))
    diags.report(engine::settingRange(t, "folder"), diag::err_target_setting_invalid,
                 {"grafana", t.name, "folder '" + folder + "' is not a valid Grafana folder uid (1 to 40 letters, digits, '-' or '_')"});
}

std::vector<TargetSetting> settingsOf(const ir::Target& t) {
  std::string url = net::withoutTrailingSlash(t.props.str("url")), folder = gf::settingsOf(t).folder;
  return {{"token_env", "api_key_env", tokenEnvOf(t)}, {"url", "url", url}, {"folder", "folder", folder},
          {"where", "where", url + ", folder " + folder}};
}

// The target as declared; `ctx` null when there is no source (tests of saved plans).
std::unique_ptr<engine::Target> openDeclared(const std::string& name, const std::string& rawUrl, const std::string& folder,
                                             const std::string& keyEnv, const std::string& at, const RemoteOptions& opts,
                                             const TargetContext* ctx, std::string& err) {
  if (rawUrl.empty()) return (err = at + "grafana target '" + name + "' has no url (Grafana's base URL)", nullptr);
  if (std::string why = net::checkBaseUrl(rawUrl); !why.empty())
    return (err = at + "grafana target '" + name + "': url: " + why, nullptr);
  if (!gf::validUid(folder))
    return (err = at + "grafana target '" + name + "': folder '" + folder +
                  "' is not a valid Grafana folder uid (1 to 40 letters, digits, '-' or '_')", nullptr);
  gf::Connection conn;
  if (!connectGrafana(name, net::withoutTrailingSlash(rawUrl), keyEnv, opts, conn, err)) return nullptr;
  return std::make_unique<GrafanaTarget>(std::move(conn), name, folder, ctx);
}

std::unique_ptr<engine::Target> open(const TargetContext& ctx, std::string& err) {
  const ir::Target& t = ctx.declared;
  return openDeclared(t.name, t.props.str("url"), gf::settingsOf(t).folder, tokenEnvOf(t),
                      targetWhere(ctx.module, ctx.sources, t.name), ctx.options, &ctx, err);
}

}  // namespace

std::string tokenEnv(const ir::Target& t) { return tokenEnvOf(t); }

std::unique_ptr<engine::Target> openTarget(const std::string& name, const std::string& url, const std::string& folder,
                                           const std::string& keyEnv, const RemoteOptions& opts, std::string& err) {
  return openDeclared(name, url, folder, keyEnv, "", opts, nullptr, err);
}

// Which plugin the target's data source is: what its panels' queries are written in.
schema::Field datasourceType() {
  schema::Field f{"datasource_type", schema::Type::Enum};
  f.values = {{"prometheus", kPrometheusPlugin}, {"zabbix", kZabbixPlugin}};
  f.doc = "Plugin of the data source: prometheus (PromQL panels and alert rules) or zabbix (Grafana's Zabbix data source: "
          "panels query items by host group, host and item).";
  f.defaultText = "prometheus";
  return f;
}

const engine::TargetKind& target() {
  static const engine::TargetKind kind{
      "grafana",
      {"grafana", "grafana target",
       {schema::str("url", "Grafana base URL."), schema::str("token_env", "Environment variable holding the API token."),
        schema::str("folder", "Folder uid."), schema::str("datasource", "Data source uid."), datasourceType(),
        schema::integer("schema_version", 36, 50, "Dashboard schemaVersion.", "41"),
        schema::typed("routing", schema::Type::Bool,
                      "Write the source's channels, routes and maintenance windows as contact points, notification "
                      "policies and mute timings (default: true)."),
        schema::str("default_contact_point",
                    "Contact point of the root notification policy: alerts no route takes (default: grafana-default-email)."),
        schema::typed("take_over", schema::Type::Bool,
                      "Replace a notification policy tree monitorc did not write (default: false).")}},
      false,
      checkSettings,
      settingsOf,
      open};
  return kind;
}

}  // namespace mon::grafana
