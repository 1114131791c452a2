#pragma once
// The monitors and dashboards a zabbix target takes, translated (mapping.h, dashboards.h), with
// what it cannot express reported at the source: shared by build, check and plan.
#include <vector>

#include "zabbix/dashboards.h"
#include "zabbix/mapping.h"

namespace mon::zabbix {

struct MonitorOnTarget {
  const ir::Monitor* monitor;
  Json body;  // Translation::body
};

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags);

struct DashboardOnTarget {
  const ir::Dashboard* dashboard;
  Json body;  // DashboardTranslation::body
};

/// The dashboards a zabbix target takes, widgets it cannot show reported as dropped.
std::vector<DashboardOnTarget> dashboardsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags);

/// The owned template as build writes it: host, groups, links, ownership tag.
Json templateJson(const TargetSettings& s);

}  // namespace mon::zabbix
