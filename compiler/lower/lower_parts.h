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
/// `test` blocks (lower_testblock.cpp); checkTestNames reports expectations of monitors that do not
/// exist, once every object is lowered.
std::optional<ir::Test> lowerTest(const Object& obj, DiagEngine& diags);
void checkTestNames(const ir::Module& module, DiagEngine& diags);

}  // namespace mon
