// `monitorc build` and `check` for CloudWatch: per target, every monitor's alarms as
// PutMetricAlarm takes them (mapping.cpp), and located reports of what a target cannot express.
#include <set>

#include "cloudwatch/dashboard.h"
#include "cloudwatch/monitors.h"
#include "cloudwatch/target_kind.h"
#include "prometheus/targets.h"

namespace mon::cloudwatch {

TargetSettings settingsOf(const ir::Target& t) {
  TargetSettings s;
  s.name = t.name;
  s.region = t.props.str("region");
  s.endpoint = t.props.str("endpoint");
  s.profile = t.props.str("profile");
  s.agentNamespace = t.props.str("agent_namespace", s.agentNamespace);
  auto list = [&](const char* field, std::vector<std::string>& out) {
    if (const ir::Prop* p = t.props.find(field); p && p->value.is_array())
      for (const auto& v : p->value)
        if (v.is_string()) out.push_back(v.get<std::string>());
  };
  list("critical_actions", s.criticalActions);
  list("warning_actions", s.warningActions);
  return s;
}

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags) {
  TargetSettings s = settingsOf(t);
  std::vector<MonitorOnTarget> out;
  std::set<std::string> names;
  for (const auto& m : module.monitors) {
    if (!targets::selects(m.targets, t)) continue;
    Translation tr = translate(m, s);
    for (const auto& a : tr.alarms)
      if (tr.whyNot.empty() && !names.insert(a.name).second)
        tr.whyNot = "another monitor for this target makes an alarm with the same name '" + a.name + "'";
    if (!tr.whyNot.empty()) {
      targets::reportCannotExpress(m, t, tr.whyNot, diags);
      continue;
    }
    for (const auto& d : tr.dropped) targets::reportDroppedField(m, t, d.field, d.why, diags);
    out.push_back({&m, std::move(tr.alarms)});
  }
  return out;
}

std::vector<DashboardOnTarget> dashboardsFor(const ir::Module& module, const ir::Target& t, const std::string& region,
                                             DiagEngine& diags) {
  std::vector<DashboardOnTarget> out;
  std::set<std::string> names;
  for (const auto& d : module.dashboards) {
    if (!targets::selects(d.targets, t)) continue;
    Json body = dashboardBody(d, t, region, diags);
    if (body.is_null()) continue;
    if (!names.insert(d.urlPath).second) {
      diags.report(d.range, diag::err_target_cannot_express,
                   {"dashboard", d.title, t.kind, t.name, "another dashboard for this target has the name '" + d.urlPath + "'"});
      continue;
    }
    out.push_back({&d, d.urlPath, std::move(body)});
  }
  return out;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  targets::reportFileNameClashes(module, "cloudwatch", diags);
  for (const ir::Target* t : targets::ofKind(module, "cloudwatch")) target().checkSettings(*t, false, diags);
  for (const ir::Target* t : targets::ofKind(module, "cloudwatch")) {
    Json alarms = Json::array();
    for (auto& m : monitorsFor(module, *t, diags))
      for (auto& a : m.alarms) alarms.push_back(std::move(a.params));
    Json doc = {{"alarms", std::move(alarms)}};
    out["cloudwatch/" + targets::fileSafe(t->name) + "/alarms.json"] = doc.dump(2) + "\n";
    // Each dashboard's body as PutDashboard takes it (the API's DashboardBody is this, as a string).
    for (auto& d : dashboardsFor(module, *t, t->props.str("region"), diags))
      out["cloudwatch/" + targets::fileSafe(t->name) + "/dashboards/" + d.name + ".json"] = d.body.dump(2) + "\n";
  }
  return out;
}

void check(const ir::Module& module, DiagEngine& diags) {
  targets::reportFileNameClashes(module, "cloudwatch", diags);
  for (const ir::Target* t : targets::ofKind(module, "cloudwatch")) {
    monitorsFor(module, *t, diags);
    dashboardsFor(module, *t, t->props.str("region"), diags);
  }
}

}  // namespace mon::cloudwatch
