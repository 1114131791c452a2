// `monitorc build` and `check` for Kibana: per target, every log monitor's rules as the create
// rule API takes them (rules.cpp), its dashboards as the saved objects _import takes
// (dashboards.cpp), and located reports of what a target cannot express.
#include <set>

#include "kibana/dashboards.h"
#include "kibana/monitors.h"
#include "kibana/target_kind.h"
#include "prometheus/targets.h"

namespace mon::kibana {

TargetSettings settingsOf(const ir::Target& t) {
  TargetSettings s;
  s.name = t.name;
  s.url = t.props.str("url");
  s.apiKeyEnv = t.props.str("api_key_env", s.apiKeyEnv);
  s.space = t.props.str("space", s.space);
  s.timeField = t.props.str("time_field", s.timeField);
  s.dataView = t.props.str("data_view");
  if (t.props.has("window")) s.windowSeconds = static_cast<long long>(t.props.num("window"));
  if (t.props.has("every")) s.everySeconds = static_cast<long long>(t.props.num("every"));
  auto list = [&](const char* field, std::vector<std::string>& out) {
    if (const ir::Prop* p = t.props.find(field); p && p->value.is_array())
      for (const auto& v : p->value)
        if (v.is_string()) out.push_back(v.get<std::string>());
  };
  list("index", s.index);
  list("critical_connectors", s.criticalConnectors);
  list("warning_connectors", s.warningConnectors);
  return s;
}

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags) {
  TargetSettings s = settingsOf(t);
  std::vector<MonitorOnTarget> out;
  std::set<std::string> names;
  for (const auto& m : module.monitors) {
    if (!targets::selects(m.targets, t)) continue;
    Translation tr = translate(m, s);
    for (const auto& r : tr.rules)
      if (tr.whyNot.empty() && !names.insert(r.name).second)
        tr.whyNot = "another monitor for this target makes a rule with the same name '" + r.name + "'";
    if (!tr.whyNot.empty()) {
      targets::reportCannotExpress(m, t, tr.whyNot, diags);
      continue;
    }
    for (const auto& d : tr.dropped) targets::reportDroppedField(m, t, d.field, d.why, diags);
    out.push_back({&m, std::move(tr.rules)});
  }
  return out;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  targets::reportFileNameClashes(module, "kibana", diags);
  for (const ir::Target* t : targets::ofKind(module, "kibana")) target().checkSettings(*t, false, diags);
  for (const ir::Target* t : targets::ofKind(module, "kibana")) {
    Json rules = Json::array();
    for (auto& m : monitorsFor(module, *t, diags))
      for (auto& r : m.rules) rules.push_back(std::move(r.body));
    Json doc = {{"rules", std::move(rules)}};
    std::string dir = "kibana/" + targets::fileSafe(t->name) + "/";
    out[dir + "rules.json"] = doc.dump(2) + "\n";
    // The _import file: the owner tag, then each dashboard's panels and the dashboard.
    auto dashboards = dashboardsFor(module, *t, settingsOf(*t), diags);
    if (dashboards.empty()) continue;
    std::string ndjson = ownerTagObject().dump() + "\n";
    for (const auto& d : dashboards)
      for (const auto& o : d.objects) ndjson += o.dump() + "\n";
    out[dir + "dashboards.ndjson"] = ndjson;
  }
  return out;
}

void check(const ir::Module& module, DiagEngine& diags) {
  targets::reportFileNameClashes(module, "kibana", diags);
  for (const ir::Target* t : targets::ofKind(module, "kibana")) {
    monitorsFor(module, *t, diags);
    dashboardsFor(module, *t, settingsOf(*t), diags);
  }
}

}  // namespace mon::kibana
