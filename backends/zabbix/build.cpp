// `monitorc build` and `check` for Zabbix: per target, the owned template with every monitor's
// items and triggers (mapping.cpp), and located reports of what a target cannot express.
#include <set>

#include "prometheus/targets.h"
#include "zabbix/mapping.h"
#include "zabbix/monitors.h"
#include "zabbix/target_kind.h"

namespace mon::zabbix {

TargetSettings settingsOf(const ir::Target& t) {
  TargetSettings s;
  s.name = t.name;
  std::string dflt = "monitorc " + t.name;
  for (char& c : dflt)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '.' || c == '_' || c == '-')) c = '_';
  if (dflt.size() > 128) dflt.resize(128);
  s.templateHost = t.props.str("template_name", dflt);
  s.templateGroup = t.props.str("template_group", s.templateGroup);
  auto list = [&](const char* field, std::vector<std::string>& out) {
    if (const ir::Prop* p = t.props.find(field); p && p->value.is_array())
      for (const auto& v : p->value)
        if (v.is_string()) out.push_back(v.get<std::string>());
  };
  list("hosts", s.hosts);
  list("host_groups", s.hostGroups);
  return s;
}

std::string checkTechnicalName(const std::string& host) {
  if (host.empty() || host.size() > 128) return "must be 1 to 128 characters";
  for (unsigned char c : host)
    if (!(std::isalnum(c) || c == ' ' || c == '.' || c == '_' || c == '-'))
      return "a technical host name takes only letters, digits, spaces, '.', '_' and '-'";
  if (host.front() == ' ' || host.back() == ' ') return "a technical host name does not start or end with a space";
  return "";
}

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags) {
  TargetSettings s = settingsOf(t);
  std::vector<MonitorOnTarget> out;
  std::set<std::string> names;
  for (const auto& m : module.monitors) {
    if (!targets::selects(m.targets, t)) continue;
    Translation tr = translate(m, s);
    if (tr.whyNot.empty() && !names.insert(tr.body.value("name", "")).second)
      tr.whyNot = "another monitor for this target has the same name (a monitor's name is its triggers' key)";
    if (!tr.whyNot.empty()) {
      targets::reportCannotExpress(m, t, tr.whyNot, diags);
      continue;
    }
    for (const auto& d : tr.dropped) targets::reportDroppedField(m, t, d.field, d.why, diags);
    out.push_back({&m, std::move(tr.body)});
  }
  return out;
}

std::vector<DashboardOnTarget> dashboardsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags) {
  TargetSettings s = settingsOf(t);
  std::vector<DashboardOnTarget> out;
  std::set<std::string> names;
  for (const auto& d : module.dashboards) {
    if (!targets::selects(d.targets, t)) continue;
    // A dashboard's name is its key on the server (dashboards have no other name there).
    if (!names.insert(d.title).second) {
      diags.report(d.range, diag::err_target_cannot_express,
                   {"dashboard", d.title, t.kind, t.name, "another dashboard for this target has the same title (its name in Zabbix)"})
          .note(Range{}, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
      continue;
    }
    DashboardTranslation tr = translateDashboard(d, s);
    for (const auto& x : tr.dropped)
      diags.report(x.field ? x.field->range : x.widget->range, diag::warn_target_drops_field, {x.what, "dashboard", d.title, t.kind, t.name, x.why});
    out.push_back({&d, std::move(tr.body)});
  }
  return out;
}

Json templateJson(const TargetSettings& s) {
  return {{"host", s.templateHost}, {"name", s.templateHost}, {"groups", Json::array({s.templateGroup})},
          {"link_hosts", s.hosts}, {"link_host_groups", s.hostGroups},
          {"tags", Json::array({{{"tag", kOwnerTag}, {"value", kOwnerValue}}})}};
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  targets::reportFileNameClashes(module, "zabbix", diags);
  // The settings as `check` reports them (checkBackends), since an invalid template name
  // would be written into every trigger expression.
  for (const ir::Target* t : targets::ofKind(module, "zabbix")) target().checkSettings(*t, false, diags);
  for (const ir::Target* t : targets::ofKind(module, "zabbix")) {
    Json monitors = Json::array();
    for (auto& m : monitorsFor(module, *t, diags)) monitors.push_back(std::move(m.body));
    Json doc = {{"template", templateJson(settingsOf(*t))}, {"monitors", std::move(monitors)}};
    Json dashboards = Json::array();
    for (auto& d : dashboardsFor(module, *t, diags)) dashboards.push_back(std::move(d.body));
    if (!dashboards.empty()) doc["dashboards"] = std::move(dashboards);
    out["zabbix/" + targets::fileSafe(t->name) + "/template.json"] = doc.dump(2) + "\n";
  }
  return out;
}

void check(const ir::Module& module, DiagEngine& diags) {
  targets::reportFileNameClashes(module, "zabbix", diags);
  for (const ir::Target* t : targets::ofKind(module, "zabbix")) {
    monitorsFor(module, *t, diags);
    dashboardsFor(module, *t, diags);
  }
}

}  // namespace mon::zabbix
