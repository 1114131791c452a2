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
  // Channels, notification groups, downtimes and alert group settings as read (routing_wire.h's plan form); windows
  // are written in UTC, the only zone an instant read back names without guessing.
  RoutingInput routing;
  for (const auto& [list, into] : {std::pair{&state.channels, &routing.channels},
                                   std::pair{&state.notificationGroups, &routing.groups},
                                   std::pair{&state.downtimes, &routing.downtimes},
                                   std::pair{&state.alertGroupSettings, &routing.alertGroups}})
    for (const auto& r : *list)
      if (prepare(r, ownedOnly, j)) into->push_back(ImportJson::parse(j.dump()));
  return importMackerelSource(monitors, dashboards, warnings, &routing);
}

}  // namespace mon::mackerel
