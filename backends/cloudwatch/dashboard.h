#pragma once
// A portable dashboard as a CloudWatch dashboard: its name (the url_path) and the body
// PutDashboard takes, on CloudWatch's 24-column grid. A text widget at the top carries the title,
// the memo and, as its last line, the ownership marker: CloudWatch dashboards are read back
// (GetDashboard, ListDashboards) without tags, so the body says whose they are.
// docs/cloudwatch.md, "Dashboards", has the mapping.
#include <string>

#include "cloudwatch/cloudwatch.h"
#include "diag/diag_engine.h"
#include "ir/ir.h"

namespace mon::cloudwatch {

/// The body of `d` for `target`, or null when it cannot be expressed (reported as located
/// errors; what is dropped is a warning). `region` is what metric widgets name when their own
/// `raw.region` does not (the target's region; "" in `build` without one: plan fills it in).
ir::Json dashboardBody(const ir::Dashboard& d, const ir::Target& target, const std::string& region, DiagEngine& diags);

/// "" when `name` is a dashboard name CloudWatch takes (1 to 255 of A-Z a-z 0-9 - _), else why not.
std::string checkDashboardName(const std::string& name);

/// "" when `body` keeps to the dashboard body's published rules (a widgets list of at most 500,
/// the grid's bounds, text widgets with markdown, metric widgets with metrics and a region, at
/// most 500 metrics a widget and 2500 a dashboard), else the first rule it breaks. Without
/// `needRegion`, a metric widget may leave its region out (a build for a target without one).
std::string checkDashboardBody(const ir::Json& body, bool needRegion = true);

/// The header widget's markdown: "# TITLE", the memo, and the ownership marker as last line.
std::string headerMarkdown(const std::string& title, const std::string& memo);
/// The header's height in grid rows (2; 4 with a memo): every source widget moves down by it.
int headerHeight(const std::string& memo);
/// True, with the title and memo, when `widget` is the header a dashboard of monitorc starts with.
bool readHeader(const ir::Json& widget, std::string& title, std::string& memo);

/// The body with its object members in key order (the order CloudWatch keeps is not meaning).
ir::Json canonicalDashboard(const ir::Json& body);

}  // namespace mon::cloudwatch
