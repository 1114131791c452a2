#pragma once
// `monitorc import mackerel`: Mackerel JSON (an `mkr monitors pull` file or a
// GET /api/v0/monitors response, and dashboard bodies) -> idiomatic .mon source that
// `monitorc build` turns back into the same JSON. No I/O here: callers read the files.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mon::mackerel {

/// Ordered so that unknown keys passed through `raw` keep their order.
using ImportJson = nlohmann::ordered_json;

/// Parses JSON text with readJsonInput (support/json_input.h: a BOM skipped; duplicate keys, numbers
/// out of range and deep nesting refused). On failure returns false and sets `error` to a
/// message without location, and `offset` to the byte offset of the problem in `text`.
bool parseImportJson(std::string_view text, ImportJson& out, std::string& error, size_t& offset);

/// "" when `doc` is a monitor list monitorc can read: {"monitors": [...]} (mkr pull file or
/// GET /api/v0/monitors), a bare array (`mkr monitors`), or null (no monitors); else the
/// reason it is not.
std::string checkMonitorsDoc(const ImportJson& doc);
/// "" when `doc` is a dashboard (GET /api/v0/dashboards/<id>, mkr's pull file) or
/// {"dashboards": [...]} of them; else the reason it is not.
std::string checkDashboardDoc(const ImportJson& doc);

/// Channels, notification groups, downtimes and alert group settings in the plans' form (engine/mackerel/routing_wire.h:
/// names without the ownership marker, references by name), as `monitorc pull` reads them.
struct RoutingInput {
  std::vector<ImportJson> channels, groups, downtimes, alertGroups;
  /// The IANA zone maintenance windows are written in (Mackerel keeps instants).
  std::string timeZone = "UTC";
};

/// "" when `doc` is a GET /api/v0/channels (notification-groups, downtimes,
/// alert-group-settings) response, a bare
/// list of them, or null; else the reason it is not. A file holding several lists passes each.
std::string checkChannelsDoc(const ImportJson& doc);
std::string checkNotificationGroupsDoc(const ImportJson& doc);
std::string checkDowntimesDoc(const ImportJson& doc);
std::string checkAlertGroupSettingsDoc(const ImportJson& doc);

/// The routing lists as the API returns them, in the plans' form: ids of monitors (from
/// `monitorsDoc`), channels and groups become their names, the ownership marker is taken off.
RoutingInput routingFromApi(const ImportJson& monitorsDoc, const ImportJson& channels, const ImportJson& groups,
                            const ImportJson& downtimes, const ImportJson& alertGroups = nullptr);

/// Appends `channel`, `route` and `maintenance` blocks for `in`; `monitors` are the names of the
/// monitors written (routes and windows may name only those). docs/mackerel-routing.md says
/// what becomes of each field and what is warned.
void importRouting(const RoutingInput& in, const std::set<std::string>& monitors, std::string& out,
                   std::vector<std::string>& warnings);

/// The .mon source for the monitors in `monitorsDoc` (in their order, which `monitorc build`
/// keeps) followed by one `dashboard` block per dashboard. Server defaults are left out,
/// durations are written with units, unknown fields go to `raw`. Problems are appended to
/// `warnings` as "monitor 'x': field 'foo' is not known; kept in raw" (no "monitorc: warning:"
/// prefix); objects that cannot be expressed (unknown monitor type, ...) are skipped with a
/// warning that says why. Deterministic; the result is in the canonical layout.
/// With `routing`, its blocks follow the dashboards (importRouting).
std::string importMackerelSource(const ImportJson& monitorsDoc, const std::vector<ImportJson>& dashboards,
                                 std::vector<std::string>& warnings, const RoutingInput* routing = nullptr);

/// `monitorc import mackerel FILE...`: one file, a monitor list or a dashboard as above.
bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);

}  // namespace mon::mackerel
