// `monitorc pull` from prometheus and grafana targets: read what the target holds, turn it
// into source with the existing importers (prometheus/import.cpp, grafana/import.cpp), and
// point every pulled block at the target (`targets = ["<name>"]`).

#include "direct_target.h"
#include "grafana/apply.h"
#include "grafana/grafana.h"
#include "prometheus/apply.h"
#include "prometheus/mon_source.h"
#include "prometheus/prometheus.h"
#include "prometheus/rules.h"
#include "pull.h"
#include "support/text.h"

namespace mon::engine {

namespace {

namespace prom = mon::prometheus;
namespace gf = mon::grafana;

// The Prometheus importer's source without its `target prometheus` lines and with every
// monitor's `targets = [...]` naming `target`. `groups` gets the group values it declared.
std::string retarget(const std::string& imported, const std::string& target, std::vector<std::string>& groups) {
  std::string out;
  size_t at = 0;
  while (at < imported.size()) {
    size_t end = imported.find('\n', at);
    std::string line = imported.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? imported.size() : end + 1;
    if (line.rfind("# Imported from", 0) == 0) continue;
    if (line.rfind("target prometheus ", 0) == 0) {
      // target prometheus "G" { group = "G" }
      size_t g = line.find(" { group = ");
      if (g != std::string::npos && line.size() > g + 13) groups.push_back(line.substr(g + 11, line.size() - g - 13));
      continue;
    }
    if (line.rfind("  targets = [", 0) == 0) line = "  targets = [" + source::quote(target) + "]";
    out += line + "\n";
  }
  while (out.rfind("\n", 0) == 0) out.erase(0, 1);
  return out;
}

// A property of the declared target as a `.mon` line, when it is set.
std::string prop(const ir::Target& t, const char* name) {
  const ir::Prop* p = t.props.find(name);
  return p ? std::string("  ") + name + " = " + source::value(p->value) + "\n" : "";
}

std::string header(const TargetSpec& spec) {
  return "# Written by `monitorc pull` from " + spec.kind + " target " + quoteSource(spec.name) + ".\n";
}

bool pullPrometheus(const TargetSpec& spec, const ir::Target& target, bool ownedOnly, PulledSource& out,
                    std::vector<std::string>& warnings, std::string& err) {
  if (spec.dir.empty()) return (err = "prometheus target '" + spec.name + "' has no rules_dir", false);
  std::string path = spec.dir + "/" + prom::ownedFileName(spec.name), text;
  auto files = prom::diskFileOps();
  if (std::string why = files->unreadable(spec.dir, prom::ownedFileName(spec.name)); !why.empty())
    return (err = "prometheus target '" + spec.name + "': rules_dir: " + why, false);
  std::string objects;
  std::vector<std::string> groups;
  if (!files->read(path, text)) {
    warnings.push_back("'" + path + "' does not exist: the target has no rules");
  } else if (ownedOnly && !prom::writtenByMonitorc(text)) {
    warnings.push_back("'" + path + "' was not written by monitorc (no generated header); skipped with --owned-only");
  } else {
    std::string imported;
    if (!prom::importRules(text, imported, warnings, err)) return (err = "'" + path + "': " + err, false);
    objects = retarget(imported, spec.name, groups);
    if (groups.size() > 1)
      warnings.push_back("'" + path + "' has " + std::to_string(groups.size()) + " groups; their rules are pulled into the one group of target '" + spec.name + "'");
  }
  out.objects = header(spec) + (objects.empty() ? "" : "\n" + objects);
  out.target = header(spec) + "target prometheus " + quoteSource(spec.name) + " {\n";
  out.target += groups.size() == 1 ? "  group = " + groups[0] + "\n" : prop(target, "group");
  out.target += "  rules_dir = " + quoteSource(spec.dir) + "\n  url = " + quoteSource(spec.where) + "\n}\n";
  return true;
}

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

bool pullGrafana(const TargetSpec& spec, const ir::Target& target, bool ownedOnly, const RemoteOptions& opts,
                 PulledSource& out, std::vector<std::string>& warnings, std::string& err) {
  gf::TargetSettings settings = gf::settingsOf(target);
  std::string url = net::withoutTrailingSlash(spec.where);
  if (!gf::validUid(settings.folder))
    return (err = "grafana target '" + spec.name + "': folder '" + settings.folder +
                  "' is not a valid Grafana folder uid (1 to 40 letters, digits, '-' or '_')", false);
  if (url.empty()) return (err = "grafana target '" + spec.name + "' has no url", false);
  if (std::string why = net::checkBaseUrl(url); !why.empty()) return (err = "grafana target '" + spec.name + "': url: " + why, false);
  gf::Connection conn;
  if (!connectGrafana(spec.name, url, spec.keyEnv, opts, conn, err)) return false;
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
    if (!gf::importDashboard(d["dashboard"].dump(), src, w, e)) {
      warnings.push_back("dashboard '" + uid + "': skipped: " + e);
      continue;
    }
    for (const auto& x : w) warnings.push_back("dashboard '" + uid + "': " + x);
    // Drop the importer's comment; the dashboard goes to this target.
    if (src.rfind("# ", 0) == 0) src.erase(0, src.find('\n') + 1);
    size_t at = src.find("\n  url_path = ");
    if (at != std::string::npos) {
      size_t eol = src.find('\n', at + 1);
      src.insert(eol + 1, "  targets = [" + source::quote(spec.name) + "]\n");
    }
    dashboards += "\n" + src;
  }
  if (!get("/api/v1/provisioning/folder/" + gf::pathSegment(settings.folder) + "/rule-groups/" + gf::pathSegment(settings.name), group))
    return (err = where + err, false);
  if (group.is_object() && group.contains("rules") && group["rules"].is_array()) {
    prom::Group g{settings.name, {}};
    for (const auto& r : group["rules"]) {
      if (!r.is_object()) continue;
      if (ownedOnly && !gf::ownedRule(r)) continue;
      prom::Rule pr;
      if (asPromRule(r, settings.datasource, pr, warnings)) g.rules.push_back(std::move(pr));
    }
    if (!g.rules.empty()) {
      std::string imported;
      std::vector<std::string> groups;
      if (!prom::importRules(prom::ruleFile({g}), imported, warnings, err)) return (err = "alert rules: " + err, false);
      monitors = retarget(imported, spec.name, groups);
    }
  }
  out.objects = header(spec) + (monitors.empty() ? "" : "\n" + monitors) + dashboards;
  out.target = header(spec) + "target grafana " + quoteSource(spec.name) + " {\n  url = " + quoteSource(spec.where) +
               "\n  token_env = " + quoteSource(spec.keyEnv) + "\n  folder = " + quoteSource(settings.folder) +
               "\n  datasource = " + quoteSource(settings.datasource) + "\n" + prop(target, "schema_version") + "}\n";
  return true;
}

}  // namespace

bool pullDirect(const TargetSpec& spec, const ir::Target& target, bool ownedOnly, const RemoteOptions& opts,
                PulledSource& out, std::vector<std::string>& warnings, std::string& err) {
  if (spec.kind == "prometheus") return pullPrometheus(spec, target, ownedOnly, out, warnings, err);
  if (spec.kind == "grafana") return pullGrafana(spec, target, ownedOnly, opts, out, warnings, err);
  err = "pull reads mackerel, local, prometheus and grafana targets; '" + spec.name + "' is a " + spec.kind + " target";
  return false;
}

}  // namespace mon::engine
