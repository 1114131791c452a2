#include "pull.h"

#include "mackerel/import.h"
#include "ownership.h"
#include "support/text.h"

namespace mon::engine {

namespace {

// The object as the importer should see it: no marker; false when it is skipped.
bool prepare(const RemoteObject& r, bool ownedOnly, Json& out) {
  std::string memo = r.body.contains("memo") && r.body["memo"].is_string() ? r.body["memo"].get<std::string>() : "";
  if (ownedOnly && !hasOwnerMarker(memo)) return false;
  out = r.body;
  if (out.contains("memo")) out["memo"] = stripOwnerMarker(memo);
  return true;
}

}  // namespace

std::string pullSource(const RemoteState& state, bool ownedOnly, std::vector<std::string>& warnings) {
  Json monitors = {{"monitors", Json::array()}};
  std::vector<Json> dashboards;
  Json j;
  for (const auto& r : state.monitors)
    if (prepare(r, ownedOnly, j)) monitors["monitors"].push_back(j);
  for (const auto& r : state.dashboards)
    if (prepare(r, ownedOnly, j)) dashboards.push_back(j);
  return ::mon::mackerel::importMackerelSource(monitors, dashboards, warnings);
}

std::string targetSource(const TargetSpec& t) {
  std::string s = "# Written by `monitorc pull`.\ntarget " + t.kind + " " + quoteSource(t.name) + " {\n";
  if (t.kind == "local") {
    s += "  dir = " + quoteSource(t.where) + "\n";
  } else {
    s += "  base_url = " + quoteSource(t.where) + "\n";
    s += "  api_key_env = " + quoteSource(t.keyEnv) + "\n";
  }
  return s + "}\n";
}

}  // namespace mon::engine
