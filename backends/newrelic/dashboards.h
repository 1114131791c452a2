#pragma once
// Dashboards as New Relic dashboards: one `dashboard` block becomes a DashboardInput of
// NerdGraph's dashboardCreate/dashboardUpdate (one page, named as the dashboard, its widgets
// on New Relic's 12-column grid, NRQL in rawConfiguration.nrqlQueries). The description ends
// with the ownership marker, as a condition's does. docs/newrelic.md has the table.
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "ir/ir.h"

namespace mon::newrelic {

using Json = ir::Json;

/// A dashboard on a target, as the DashboardInput apply sends.
struct DashboardOnTarget {
  const ir::Dashboard* dashboard;
  Json input;
};

/// The dashboards `t` selects, translated; what a dashboard cannot express is a located error
/// (the dashboard is left out), what it drops a located warning.
std::vector<DashboardOnTarget> dashboardsFor(const ir::Module& module, const ir::Target& t, int64_t accountId,
                                             DiagEngine& diags);

/// The canonical form of a DashboardInput or of a dashboard entity as read (DiffOptions::
/// normalize): ids, guids and linked entities left out, New Relic's defaults filled in,
/// rawConfiguration with its keys in order.
Json canonicalDashboard(const Json& d);

/// The permissions NerdGraph takes (DashboardPermissions).
bool validPermissions(const std::string& p);

/// New Relic's grid: 12 columns; monitorc's widgets are placed on 24.
inline constexpr int kColumns = 12;

}  // namespace mon::newrelic
