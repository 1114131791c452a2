// `monitorc pull` from a grafana target: the dashboards in its folder through the Grafana
// importer (import.cpp), and the alert rules of its rule group as query monitors through the
// Prometheus importer, each pointed at the target (`targets = ["<name>"]`).
#include "grafana/apply.h"
#include "grafana/grafana.h"
#include "grafana/routing.h"
#include "grafana/target_kind.h"
#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "prometheus/pull.h"
#include "prometheus/rules.h"
#include "support/text.h"
#include "target_support.h"

namespace mon::grafana {

namespace {

namespace prom = mon::prometheus;
namespace gf = mon::grafana;
using namespace mon::engine;

using Json = ir::Json;

const Json* step(const Json& rule, const std::string& refId) {
  if (!rule.contains("data") || !rule["data"].is_array()) return nullptr;
  for (const auto& d : rule["data"])
    if (d.is_object() && d.value("refId", "") == refId) return &d;
  return nullptr;
}

// A Grafana alert rule of the shape monitorc writes (query A, reduce B, threshold C) as the
// Prometheus rule it corresponds to; false with a warning otherwise.
bool asPromRule(const Json& r, const std::string& datasource, prom::Rule& out, std::vector<std::string>& warnings) {
  std::string title = r.value("title", "");
  auto skip = [&](const std::string& why) {
    warnings.push_back("alert rule '" + title + "': skipped: " + why);
    return false;
  };
  const Json* c = step(r, r.value("condition", ""));
  if (!c || !c->contains("model") || (*c)["model"].value("type", "") != "threshold")
    return skip("its condition is not a threshold expression");
  const Json& m = (*c)["model"];
  const Json* conds = m.contains("conditions") && m["conditions"].is_array() && m["conditions"].size() == 1 ? &m["conditions"][0] : nullptr;
  const Json* ev = conds && conds->contains("evaluator") ? &(*conds)["evaluator"] : nullptr;
  std::string type = ev ? ev->value("type", "") : "";
  if (!ev || (type != "gt" && type != "lt") || !ev->contains("params") || !(*ev)["params"].is_array() ||
      (*ev)["params"].empty() || !(*ev)["params"][0].is_number())
    return skip("the threshold is not one 'above' or 'below' value");
  const Json* q = step(r, m.value("expression", ""));
  if (q && q->contains("model") && (*q)["model"].value("type", "") == "reduce") {
    if ((*q)["model"].value("reducer", "") != "last") warnings.push_back("alert rule '" + title + "': the reducer is read as 'last'");
    q = step(r, (*q)["model"].value("expression", ""));
  }
  if (!q || !q->contains("model") || !(*q)["model"].contains("expr") || !(*q)["model"]["expr"].is_string())
    return skip("no PromQL query feeds the threshold");
  if (q->value("datasourceUid", "") != datasource)
    warnings.push_back("alert rule '" + title + "': data source '" + q->value("datasourceUid", "") +
                       "' is not the target's ('" + datasource + "')");
  promql::Condition cond;
  cond.value = (*q)["model"]["expr"].get<std::string>();
  cond.op = type == "gt" ? ">" : "<";
  cond.threshold = (*ev)["params"][0].get<double>();
  const Json ann = r.contains("annotations") && r["annotations"].is_object() ? r["annotations"] : Json::object();
  const Json labels = r.contains("labels") && r["labels"].is_object() ? r["labels"] : Json::object();
  out.alert = ann.value("summary", "");
  if (out.alert.empty()) {  // "NAME (critical)" -> "NAME"
    out.alert = title;
    if (size_t open = title.rfind(" ("); open != std::string::npos) out.alert = title.substr(0, open);
  }
  out.expr = promql::comparison(cond);
  out.forDuration = r.contains("for") && r["for"].is_string() ? r["for"].get<std::string>() : "0s";
  for (auto it = labels.begin(); it != labels.end(); ++it)
    if (it.key() != "managed_by" && it.value().is_string()) out.labels.emplace_back(it.key(), it.value().get<std::string>());
  for (auto it = ann.begin(); it != ann.end(); ++it)
    if (it.value().is_string()) out.annotations.emplace_back(it.key(), it.value().get<std::string>());
  if (r.value("isPaused", false)) warnings.push_back("alert rule '" + title + "': paused; 'is_mute' is not pulled");
  return true;
}

// A property of the declared target as a `.mon` line, when it is set.
std::string prop(const ir::Target& t, const char* name) {
  const ir::Prop* p = t.props.find(name);
  return p ? std::string("  ") + name + " = " + source::value(p->value) + "\n" : "";
}

}  // namespace

bool pullTarget(const ir::Target& target, const Connection& conn, bool ownedOnly, engine::PulledSource& out,
                std::vector<std::string>& warnings, std::string& err) {
  gf::TargetSettings settings = gf::settingsOf(target);
  const struct {
    std::string name, where, keyEnv;
  } spec{target.name, target.props.str("url"), tokenEnv(target)};
  const std::string url = conn.url;
  auto get = [&](const std::string& path, Json& body) { return gf::getJson(conn, path, body, err); };
  std::string where = "reading grafana \"" + spec.name + "\" (" + url + "): ";
  Json folder, hits = Json::array(), group;
  if (!get("/api/folders/" + gf::pathSegment(settings.folder), folder)) return (err = where + err, false);
  std::string dashboards, monitors;
  if (folder.is_null()) {
    warnings.push_back("folder '" + settings.folder + "' does not exist: the target has no dashboards");
  } else {
    if (!get("/api/search?type=dash-db&limit=5000&folderUIDs=" + settings.folder + (ownedOnly ? "&tag=monitorc" : ""), hits) ||
        !hits.is_array())
      return (err = where + (err.empty() ? "GET /api/search: not a list" : err), false);
  }
  for (const auto& hit : hits) {
    std::string uid = hit.is_object() ? hit.value("uid", "") : "";
    Json d;
    if (!gf::validUid(uid)) return (err = where + "GET /api/search: a dashboard without a valid uid ('" + uid + "')", false);
    if (!get("/api/dashboards/uid/" + uid, d)) return (err = where + err, false);
    if (d.is_null() || !d.contains("dashboard")) continue;  // deleted since the search
    std::string src, e;
    std::vector<std::string> w;
    if (source::depth(d["dashboard"]) > source::kMaxValueDepth + 2) {  // dump() recurses per level
      warnings.push_back("dashboard '" + uid + "': skipped: nested more than " + std::to_string(source::kMaxValueDepth) +
                         " levels deep (more than .mon source takes)");
      continue;
    }
    if (!gf::importDashboard(d["dashboard"].dump(), gf::ImportOptions{spec.name, false}, src, w, e)) {
      warnings.push_back("dashboard '" + uid + "': skipped: " + e);
      continue;
    }
    for (const auto& x : w) warnings.push_back("dashboard '" + uid + "': " + x);
    // Drop the importer's comment; the dashboard goes to this target (`targets`, written by the importer).
    if (src.rfind("# ", 0) == 0) src.erase(0, src.find('\n') + 1);
    dashboards += "\n" + src;
  }
  if (!get("/api/v1/provisioning/folder/" + gf::pathSegment(settings.folder) + "/rule-groups/" + gf::pathSegment(settings.name), group))
    return (err = where + err, false);
  if (group.is_object() && group.contains("rules") && group["rules"].is_array()) {
    prom::Group g{settings.name, {}, "", 0, ""};
    for (const auto& r : group["rules"]) {
      if (!r.is_object()) continue;
      if (ownedOnly && !gf::ownedRule(r)) continue;
      prom::Rule pr;
      if (asPromRule(r, settings.datasource, pr, warnings)) g.rules.push_back(std::move(pr));
    }
    if (!g.rules.empty()) {
      // Grafana takes monitors, not Prometheus' own alert blocks.
      prom::IntoTarget into{spec.name, true, {}};
      if (!prom::importRulesInto(prom::ruleFile({g}), into, monitors, warnings, err)) return (err = "alert rules: " + err, false);
    }
  }
  // Routing: only a policy tree monitorc wrote (another one is imported by hand, with its
  // warnings read: docs/grafana-routing.md), through the importer.
  std::string routing, defaultContactPoint;
  Json tree;
  if (!get("/api/v1/provisioning/policies", tree)) return (err = where + err, false);
  if (gf::ownedTree(tree)) {
    Json points, timings;
    if (!get("/api/v1/provisioning/contact-points", points) || !get("/api/v1/provisioning/mute-timings", timings))
      return (err = where + err, false);
    Json owned = Json::array();  // the tree names only these (and the root's, which is the target's setting)
    if (points.is_array())
      for (const auto& cp : points)
        if (gf::ownedContactPoint(cp)) owned.push_back(cp);
    Json bundle = {{"contact_points", owned}, {"policies", tree}, {"mute_timings", timings.is_array() ? timings : Json::array()}};
    std::string e;
    if (!gf::importRouting(bundle.dump(), routing, warnings, e)) return (err = where + "routing: " + e, false);
    // The importer declares a target of its own: its one setting goes to this target.
    size_t end = routing.find("}\n");
    std::string block = routing.substr(0, end == std::string::npos ? 0 : end);
    if (size_t at = block.find("  default_contact_point = "); at != std::string::npos)
      defaultContactPoint = block.substr(at, block.find('\n', at) + 1 - at);
    routing.erase(0, end == std::string::npos ? 0 : end + 2);
    while (!routing.empty() && routing[0] == '\n') routing.erase(0, 1);
  } else if (tree.is_object() && tree.contains("routes") && tree["routes"].is_array() && !tree["routes"].empty()) {
    warnings.push_back("the notification policy tree was not written by monitorc: not pulled (monitorc import grafana reads it)");
  }
  out.objects = prom::pulledHeader("grafana", spec.name) + (monitors.empty() ? "" : "\n" + monitors) + dashboards +
                (routing.empty() ? "" : "\n" + routing + "\n");
  out.ordered = true;  // the rule group lists its rules in this order
  out.target = prom::pulledHeader("grafana", spec.name) + "target grafana " + quoteSource(spec.name) + " {\n  url = " + quoteSource(spec.where) +
               "\n  token_env = " + quoteSource(spec.keyEnv) + "\n  folder = " + quoteSource(settings.folder) +
               "\n  datasource = " + quoteSource(settings.datasource) + "\n" +
               (settings.zabbix() ? "  datasource_type = zabbix\n" : "") + prop(target, "schema_version") +
               prop(target, "routing") + defaultContactPoint + prop(target, "take_over") + "}\n";
  return true;
}

}  // namespace mon::grafana
