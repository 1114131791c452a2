#pragma once
// How the source's routing model judges one monitor's alerts, statically: the severities they
// can carry, the scopes they are in, the routes that match them. The checks (routing_check.cpp)
// and backends whose systems route by monitor rather than by label (Mackerel's notification
// groups, backends/mackerel/routing.cpp) judge alike through these.
#include <set>
#include <string>

#include "ir/ir.h"

namespace mon::routing {

/// The severities the monitor's alerts can carry ("warning", "critical").
std::set<std::string> severitiesOf(const ir::Monitor& m);
/// True when an alert of `m` is in `scope` ("Service" or "Service:role").
bool inScope(const ir::Monitor& m, const std::string& scope);
/// True when the route matches some alert of `m` (any of its severities).
bool routeMatches(const ir::Route& r, const ir::Monitor& m);

}  // namespace mon::routing
