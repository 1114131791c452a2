#pragma once
// Dashboards on a kibana target as Kibana saved objects, in the format `POST
// /api/saved_objects/_import` reads and `_export` writes (one JSON object a line): a `dashboard`
// whose panels are by-reference `lens` objects (graph: a line of the count of documents over
// time; value: a metric of the count) and `visualization` objects (markdown), every one tagged
// with the `tag` object monitorc-managed. docs/kibana.md says why by-reference panels.
#include <string>
#include <vector>

#include "kibana/rules.h"

namespace mon::kibana {

/// The id of the tag every saved object monitorc writes references, and its name: an object
/// without the reference is never changed or deleted.
inline constexpr const char* kOwnerTagId = "monitorc-managed";
inline constexpr const char* kOwnerTagRef = "tag-ref-monitorc-managed";

/// Widget raw keys that are not attributes: `kibana_panel` (fields of the panel's panelsJSON
/// entry laid over what build writes: panelIndex, version, embeddableConfig ...) and
/// `kibana_id` (its object's id), which a panel imported from Kibana keeps (built panels are
/// `p1`, `p2` ... and `DASHBOARD-ID-p1` ...).
inline constexpr const char* kRawPanel = "kibana_panel";
inline constexpr const char* kRawObjectId = "kibana_id";

/// The panelsJSON entry build writes for a panel (before `kibana_panel`).
Json panelEntry(const std::string& type, const std::string& index, const ir::Layout& layout);

/// One dashboard's saved objects: its panels' objects first, the dashboard last.
struct DashboardObjects {
  const ir::Dashboard* dashboard = nullptr;
  std::string id;        // the dashboard's saved-object id
  std::vector<Json> objects;
};

/// The saved-object id of the dashboard with `urlPath` in `space`: the url_path itself in the
/// default space (the dashboard's URL is /app/dashboards#/view/ID), `SPACE-URLPATH` in others
/// (Kibana 8 ids are unique across spaces).
std::string dashboardId(const std::string& space, const std::string& urlPath);
/// The url_path a dashboard id of `space` stands for ("" when it is not one of that space's).
std::string urlPathOf(const std::string& space, const std::string& id);

/// The `tag` saved object monitorc's objects reference.
Json ownerTagObject();
/// True when the saved object references the owner tag.
bool ownedObject(const Json& object);

/// The dashboards selected for the target as saved objects; what the target cannot show is
/// reported at the source (errors leave the dashboard out).
std::vector<DashboardObjects> dashboardsFor(const ir::Module& module, const ir::Target& t, const TargetSettings& s,
                                            DiagEngine& diags);

/// The attributes monitorc writes for a dashboard before its panels and raw (panelsJSON "[]"),
/// and for a widget's panel object before raw, with its type ("lens", "visualization"; null
/// when the target cannot show the widget): what `import` compares an object with, so that raw
/// keeps only what differs.
Json baseDashboardAttributes(const ir::Dashboard& d);
Json basePanelAttributes(const ir::Widget& w, const TargetSettings& s, std::string& type);

/// "" when `object` is a saved object `_import` takes in the shape monitorc writes and reads
/// (type, id, attributes of its type, JSON-string attributes that parse, references with
/// name/type/id), else why not.
std::string checkSavedObject(const Json& object);

/// The canonical form of a saved object for comparison: type, id, attributes with their
/// JSON-string fields parsed, references sorted; what Kibana adds on write left out.
Json canonicalObject(const Json& object);

}  // namespace mon::kibana
