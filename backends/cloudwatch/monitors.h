#pragma once
// The monitors a cloudwatch target takes, translated (mapping.h), with what it cannot express
// reported at the source: shared by build, check and plan.
#include <vector>

#include "cloudwatch/mapping.h"

namespace mon::cloudwatch {

struct MonitorOnTarget {
  const ir::Monitor* monitor;
  std::vector<Alarm> alarms;
};

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags);

/// A dashboard a cloudwatch target takes: its name (url_path) and body (dashboard.h).
struct DashboardOnTarget {
  const ir::Dashboard* dashboard;
  std::string name;
  ir::Json body;
};

/// The dashboards selected for `t` that it can show; `region` as dashboardBody() takes it.
std::vector<DashboardOnTarget> dashboardsFor(const ir::Module& module, const ir::Target& t, const std::string& region,
                                             DiagEngine& diags);

}  // namespace mon::cloudwatch
