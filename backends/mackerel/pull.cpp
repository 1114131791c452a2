// `monitorc pull` from a mackerel or local target: the objects as read, through the importer.
#include "mackerel/import.h"
#include "mackerel/target_kind.h"
#include "ownership.h"

namespace mon::mackerel {

namespace {

using engine::Json;

// The object as the importer should see it: no marker; false when it is skipped.
bool prepare(const engine::RemoteObject& r, bool ownedOnly, Json& out) {
  std::string memo = r.body.contains("memo") && r.body["memo"].is_string() ? r.body["memo"].get<std::string>() : "";
  if (ownedOnly && !engine::hasOwnerMarker(memo)) return false;
  out = r.body;
  if (out.contains("memo")) out["memo"] = engine::stripOwnerMarker(memo);
  return true;
}

}  // namespace

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, std::vector<std::string>& warnings) {
  Json monitors = {{"monitors", Json::array()}};
  std::vector<Json> dashboards;
  Json j;
  for (const auto& r : state.monitors)
    if (prepare(r, ownedOnly, j)) monitors["monitors"].push_back(j);
  for (const auto& r : state.dashboards)
    if (prepare(r, ownedOnly, j)) dashboards.push_back(j);
  // Channels, notification groups and downtimes are not imported yet: say so rather than
  // leave them out silently.
  for (const auto* list : {&state.channels, &state.notificationGroups, &state.downtimes}) {
    size_t n = 0;
    for (const auto& r : *list) n += prepare(r, ownedOnly, j);
    if (n && !list->empty())
      warnings.push_back(std::to_string(n) + " " + engine::kindName(list->front().kind) +
                         "(s) not pulled: pull does not write channels, routes or maintenance windows yet");
  }
  return importMackerelSource(monitors, dashboards, warnings);
}

}  // namespace mon::mackerel
