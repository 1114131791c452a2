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

class GrafanaTarget : public DirectTarget {
 public:
  GrafanaTarget(gf::Plan plan, gf::Connection c, std::vector<int> links)
      : plan_(std::move(plan)), conn_(std::move(c)), links_(std::move(links)) {}
  ApplyReport apply(const Plan& plan) override {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<OpResult> results;
    // One backend change at a time, so each outcome is known (folder, dashboards, deletes, rules).
    for (const auto& ch : plan_.changes) {
      gf::Plan one = plan_;
      one.changes = {ch};
      gf::ApplyResult res = gf::applyPlan(one, conn_);
      OpResult r;
      r.ok = res.ok;
      for (const auto& e : res.errors) r.error += (r.error.empty() ? "" : "; ") + e;
      results.push_back(r);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return reportOf(plan, links_, results, secs);
  }

 private:
  gf::Plan plan_;
  gf::Connection conn_;
  std::vector<int> links_;
};

const Json* findUid(const Json& rules, const std::string& uid) {
  if (!rules.is_array()) return nullptr;
  for (const auto& r : rules)
    if (r.is_object() && r.value("uid", "") == uid) return &r;
  return nullptr;
}

bool ownedRule(const Json& r) {
  return r.contains("labels") && r["labels"].is_object() && r["labels"].value("managed_by", "") == "monitorc";
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
  const char* token = opts.getenv ? opts.getenv(spec.keyEnv.c_str()) : std::getenv(spec.keyEnv.c_str());
  if (!token || !*token)
    return (err = "the environment variable " + spec.keyEnv + " (the API token for grafana target '" + spec.name +
                  "') is not set", nullptr);
  gf::TargetSettings settings = gf::settingsOf(*target);
  std::string url = spec.where;
  while (!url.empty() && url.back() == '/') url.pop_back();
  plan.where = url + ", folder " + settings.folder;
  plan.keyEnv = spec.keyEnv;

  std::shared_ptr<net::Client> client = opts.client ? opts.client : std::shared_ptr<net::Client>(net::makeCurlClient());
  gf::Connection conn{url, token, [client, opts](const std::string& method, const std::string& u, const gf::Headers& headers,
                                                 const std::string& body) {
                        net::Request req{method, u, headers, body};
                        net::Response r = sendLogged(*client, req, opts);
                        return gf::HttpReply{r.transport.empty() ? r.status : 0, r.transport.empty() ? r.body : r.transport};
                      }};
  gf::Plan bp;
  if (!gf::makePlan(built, settings, conn, prune, bp, err)) {
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
    c.action = !ownedRule(h) ? Action::Ignore : prune ? Action::Delete : Action::Orphan;
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
  std::vector<int> links;
  setChanges(plan, std::move(items), links);
  return std::make_unique<GrafanaTarget>(std::move(bp), std::move(conn), std::move(links));
}

}  // namespace mon::engine
