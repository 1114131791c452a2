#pragma once
// `monitorc import mackerel`: Mackerel JSON (an `mkr monitors pull` file or a
// GET /api/v0/monitors response, and dashboard bodies) -> idiomatic .mon source that
// `monitorc build` turns back into the same JSON. No I/O here: callers read the files.
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

/// The .mon source for the monitors in `monitorsDoc` (in their order, which `monitorc build`
/// keeps) followed by one `dashboard` block per dashboard. Server defaults are left out,
/// durations are written with units, unknown fields go to `raw`. Problems are appended to
/// `warnings` as "monitor 'x': field 'foo' is not known; kept in raw" (no "monitorc: warning:"
/// prefix); objects that cannot be expressed (unknown monitor type, ...) are skipped with a
/// warning that says why. Deterministic; the result is in the canonical layout.
std::string importMackerelSource(const ImportJson& monitorsDoc, const std::vector<ImportJson>& dashboards,
                                 std::vector<std::string>& warnings);

/// `monitorc import mackerel FILE...`: one file, a monitor list or a dashboard as above.
bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);

}  // namespace mon::mackerel
