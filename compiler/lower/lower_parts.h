#pragma once
// The per-block lowerings that lower() dispatches to.
#include <optional>

#include "diag/diag_engine.h"
#include "expand/value.h"
#include "ir/ir.h"

namespace mon {

std::optional<ir::Monitor> lowerMonitor(const Object& obj, DiagEngine& diags);
std::optional<ir::Dashboard> lowerDashboard(const Object& obj, DiagEngine& diags);
std::optional<ir::Target> lowerTarget(const Object& obj, DiagEngine& diags);
/// Checks a `defaults` block against its schema (the expand pass has already applied it).
void checkDefaults(const Object& obj, DiagEngine& diags);
/// `record` and `alert` blocks: native Prometheus rules (lower_rule.cpp).
std::optional<ir::Rule> lowerRule(const Object& obj, DiagEngine& diags);
/// The routing blocks (lower_routing.cpp): each checked on its own.
std::optional<ir::Channel> lowerChannel(const Object& obj, DiagEngine& diags);
std::optional<ir::Route> lowerRoute(const Object& obj, DiagEngine& diags);
std::optional<ir::Maintenance> lowerMaintenance(const Object& obj, DiagEngine& diags);
std::optional<ir::RouteTest> lowerRouteTest(const Object& obj, DiagEngine& diags);
/// The checks across the routing blocks and monitors (routing_check.cpp), once all are lowered.
/// `failedChannels`: names of channel blocks that were reported and left out (not unknown).
void checkRouting(const ir::Module& module, const std::vector<std::string>& failedChannels, DiagEngine& diags);
/// Days since 1970-01-01 of a civil date.
long daysFromCivil(int year, int month, int day);
/// `test` blocks (lower_testblock.cpp); checkTestNames reports expectations of monitors that do not
/// exist, once every object is lowered.
std::optional<ir::Test> lowerTest(const Object& obj, DiagEngine& diags);
void checkTestNames(const ir::Module& module, DiagEngine& diags);

}  // namespace mon
