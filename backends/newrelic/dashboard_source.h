#pragma once
// A New Relic dashboard (a DashboardInput, as read back or as New Relic's "Copy JSON" exports
// it) as a `dashboard` block that builds the same dashboard (dashboards.cpp is the other way):
// used by `pull` and `import newrelic`.
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::newrelic {

/// The block for `d`, its objects restricted to `target`. `accountId`: the account queries
/// read when they name no other (the target's); 0 takes the one account every query of the
/// dashboard reads, if there is one. False (with a warning) for what one block cannot hold: a
/// dashboard of several pages, widgets of custom visualizations without NRQL.
bool dashboardSource(const ir::Json& d, const std::string& target, int64_t accountId, std::string& out,
                     std::vector<std::string>& warnings);

/// The one account every NRQL query of `d` reads, or 0.
int64_t dashboardAccount(const ir::Json& d);

}  // namespace mon::newrelic
