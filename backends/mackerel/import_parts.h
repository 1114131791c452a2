#pragma once
// Internal pieces of the Mackerel importer (see import.h): one object -> source text.
#include <set>
#include <string>
#include <vector>

#include "mackerel/import.h"

namespace mon::mackerel {

/// Appends one `monitor` block for API monitor `m`, or a warning when it cannot be expressed.
/// `names` collects the names written so far (duplicates are reported).
void importMonitor(const ImportJson& m, size_t index, std::string& out, std::vector<std::string>& warnings,
                   std::set<std::string>& names);
/// Appends one `dashboard` block for dashboard body `d`.
void importDashboard(const ImportJson& d, size_t index, std::string& out, std::vector<std::string>& warnings);

}  // namespace mon::mackerel
