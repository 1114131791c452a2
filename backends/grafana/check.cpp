// `monitorc check` for Grafana: what build() reports (monitors and widgets a target cannot
// express, dropped fields), without keeping the dashboards, rule groups and routing.
#include "grafana/grafana.h"
#include "grafana/routing.h"
#include "prometheus/targets.h"

namespace mon::grafana {

void check(const ir::Module& module, DiagEngine& diags) {
  targets::reportFileNameClashes(module, "grafana", diags);
  for (const ir::Target* t : targets::ofKind(module, "grafana")) {
    TargetSettings s = settingsOf(*t);
    for (const auto& d : module.dashboards)
      if (targets::selects(d.targets, *t)) dashboardJson(d, s, *t, diags);
    if (!reportMonitorsOnZabbix(module, s, *t, diags))
      targets::forEachExpressible(module, *t, true, diags, [](const ir::Monitor&, promql::Translation&) {});
    OutputFiles routing;
    buildRouting(module, *t, diags, routing);
  }
}

}  // namespace mon::grafana
