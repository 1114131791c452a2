// `monitorc build` and `check` for New Relic: per target, every monitor's NRQL conditions as
// NerdGraph's condition inputs take them (mapping.cpp), every dashboard as a DashboardInput
// (dashboards.cpp), and located reports of what a target cannot express.
#include <set>

#include "newrelic/dashboards.h"
#include "newrelic/monitors.h"
#include "newrelic/target_kind.h"
#include "prometheus/targets.h"

namespace mon::newrelic {

TargetSettings settingsOf(const ir::Target& t) {
  TargetSettings s;
  s.name = t.name;
  s.accountId = static_cast<int64_t>(t.props.num("account_id", 0));
  s.apiKeyEnv = t.props.str("api_key_env", s.apiKeyEnv);
  s.url = t.props.str("url", s.url);
  s.policy = t.props.str("policy", "monitorc: " + t.name);
  return s;
}

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags) {
  std::vector<MonitorOnTarget> out;
  std::set<std::string> names;
  for (const auto& m : module.monitors) {
    if (!targets::selects(m.targets, t)) continue;
    Translation tr = translate(m);
    for (const auto& c : tr.conditions)
      if (tr.whyNot.empty() && !names.insert(c.name).second)
        tr.whyNot = "another monitor for this target makes a condition with the same name '" + c.name + "'";
    if (!tr.whyNot.empty()) {
      targets::reportCannotExpress(m, t, tr.whyNot, diags);
      continue;
    }
    for (const auto& d : tr.dropped) targets::reportDroppedField(m, t, d.field, d.why, diags);
    out.push_back({&m, std::move(tr.conditions)});
  }
  return out;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  targets::reportFileNameClashes(module, "newrelic", diags);
  for (const ir::Target* t : targets::ofKind(module, "newrelic")) target().checkSettings(*t, false, diags);
  for (const ir::Target* t : targets::ofKind(module, "newrelic")) {
    TargetSettings s = settingsOf(*t);
    Json conditions = Json::array();
    for (auto& m : monitorsFor(module, *t, diags))
      for (auto& c : m.conditions) conditions.push_back({{"type", c.type}, {"condition", std::move(c.input)}});
    Json doc = {{"policy", s.policy}, {"conditions", std::move(conditions)}};
    out["newrelic/" + targets::fileSafe(t->name) + "/conditions.json"] = doc.dump(2) + "\n";
    // Each dashboard as dashboardCreate takes it (`dashboard: DashboardInput!`).
    Json dashboards = Json::array();
    for (auto& d : dashboardsFor(module, *t, s.accountId, diags)) dashboards.push_back(std::move(d.input));
    if (!dashboards.empty())
      out["newrelic/" + targets::fileSafe(t->name) + "/dashboards.json"] = Json{{"dashboards", std::move(dashboards)}}.dump(2) + "\n";
  }
  return out;
}

void check(const ir::Module& module, DiagEngine& diags) {
  targets::reportFileNameClashes(module, "newrelic", diags);
  for (const ir::Target* t : targets::ofKind(module, "newrelic")) {
    monitorsFor(module, *t, diags);
    dashboardsFor(module, *t, settingsOf(*t).accountId, diags);
  }
}

}  // namespace mon::newrelic
