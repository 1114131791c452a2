#include "backend.h"

#include "alertmanager/alertmanager.h"
#include "alertmanager/target_kind.h"

#include "cloudwatch/cloudwatch.h"
#include "cloudwatch/import.h"
#include "cloudwatch/target_kind.h"
#include "grafana/grafana.h"
#include "grafana/target_kind.h"
#include "kibana/import.h"
#include "kibana/kibana.h"
#include "kibana/target_kind.h"
#include "mackerel/import.h"
#include "mackerel/mackerel.h"
#include "mackerel/target_kind.h"
#include "newrelic/import.h"
#include "newrelic/newrelic.h"
#include "newrelic/target_kind.h"
#include "prometheus/prometheus.h"
#include "prometheus/promtool_run.h"
#include "prometheus/target_kind.h"
#include "target.h"
#include "zabbix/target_kind.h"
#include "zabbix/zabbix.h"

namespace mon {

const std::vector<Backend>& backends() {
  static const std::vector<Backend> all = {
      {"mackerel", &mackerel::build, &mackerel::check, {&mackerel::mackerelTarget(), &mackerel::localTarget()},
       &mackerel::importFile, "monitors or dashboard JSON", &mackerel::dashboardPicture, &mackerel::runTest,
       &mackerel::buildInto, &mackerel::streamMonitors},
      {"prometheus", &prometheus::build, &prometheus::check, {&prometheus::target()}, &prometheus::importRules, "rule",
       nullptr, &prometheus::runTest, &prometheus::buildInto, &prometheus::streamMonitors},
      {"grafana", &grafana::build, &grafana::check, {&grafana::target()}, &grafana::importDashboard, "dashboard, or alerting resources (contactPoints, policies, muteTimes)", &grafana::dashboardPicture},
      {"zabbix", &zabbix::build, &zabbix::check, {&zabbix::target()}, &zabbix::importExport, "template export (JSON or YAML)"},
      {"cloudwatch", &cloudwatch::build, &cloudwatch::check, {&cloudwatch::target()}, &cloudwatch::importFile,
       "describe-alarms or get-dashboard JSON"},
      {"newrelic", &newrelic::build, &newrelic::check, {&newrelic::target()}, &newrelic::importFile,
       "dashboard (Copy JSON) or nrqlConditionsSearch answer JSON"},
      {"kibana", &kibana::build, &kibana::check, {&kibana::target()}, &kibana::importFile,
       "alerting rules (_find answer) or saved objects (_export NDJSON)"},
      {"alertmanager", &alertmanager::build, &alertmanager::check, {&alertmanager::target()}, &alertmanager::importFile,
       "alertmanager.yml"},
  };
  return all;
}

const Backend* findBackend(const std::string& name) {
  for (const auto& b : backends())
    if (name == b.name) return &b;
  return nullptr;
}

const std::vector<engine::TargetKind>& targetKinds() {
  static const std::vector<engine::TargetKind> all = [] {
    std::vector<engine::TargetKind> out;
    for (const auto& b : backends())
      for (const auto* k : b.targets) out.push_back(*k);
    return out;
  }();
  return all;
}

const Backend* backendOfTarget(const std::string& kind) {
  for (const auto& b : backends())
    for (const auto* k : b.targets)
      if (kind == k->name) return &b;
  return nullptr;
}

void installTargetKinds() {
  std::vector<schema::Kind> schemas;
  for (const auto& k : targetKinds()) schemas.push_back(k.schema);
  schema::setTargetKinds(std::move(schemas));
}

void checkBackends(const ir::Module& module, DiagEngine& diags) {
  for (const auto& t : module.targets)
    if (const engine::TargetKind* k = engine::findTargetKind(targetKinds(), t.kind); k && k->checkSettings)
      k->checkSettings(t, false, diags);
  for (const auto& b : backends())
    if (b.check) b.check(module, diags);
}

}  // namespace mon
