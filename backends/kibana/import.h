#pragma once
// `monitorc import kibana FILE...`: Kibana's own JSON back to .mon source. A file is either the
// answer of `GET /api/alerting/rules/_find` (Elasticsearch query rules -> query monitors, the
// way pull writes them) or what `POST /api/saved_objects/_export` writes (NDJSON: dashboards
// with their Lens and markdown panels -> dashboard blocks). Each comes with the `target kibana`
// its objects need (data view, index, time field, window, schedule, connectors), read from the
// objects, so that build gives the same rules and saved objects back.
#include <string>
#include <vector>

#include "kibana/kibana.h"

namespace mon::kibana {

bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);

/// The dashboards among `objects` (saved objects, their panels' objects beside them) as
/// dashboard blocks on target `s`: each panel as the widget that builds it, with `raw` keeping
/// the attributes that differ from what the widget writes. Shared by import and pull.
std::string dashboardsSource(const std::vector<ir::Json>& objects, const TargetSettings& s, std::vector<std::string>& warnings);

}  // namespace mon::kibana
