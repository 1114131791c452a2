#pragma once
// A CloudWatch dashboard body (as GetDashboard returns it) written back as the `dashboard` block
// that builds it (dashboard.cpp): pull and `import cloudwatch` share it.
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::cloudwatch {

/// The source of dashboard `name` with `body`; `target` (when not "") goes to `targets = [...]`.
/// What the language models becomes fields (monitorc's header: title and memo; per widget the
/// title, place, the expression and its label, the axis, reference lines, a relative range, a
/// text widget's markdown); the rest stays in `raw` as CloudWatch has it, so it builds back to
/// the same body. What cannot is a warning naming the dashboard and the widget.
std::string dashboardSource(const std::string& name, const ir::Json& body, const std::string& target,
                            std::vector<std::string>& warnings);

}  // namespace mon::cloudwatch
