#include "race_repair.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "ownership.h"

namespace mon::engine {

namespace {

std::string typeOf(const RemoteObject& r) { return r.body.is_object() ? r.body.value("type", "") : ""; }

bool isOwned(const RemoteObject& r) {
  return r.body.is_object() && r.body.contains("memo") && r.body["memo"].is_string() &&
         hasOwnerMarker(r.body["memo"].get<std::string>());
}

}  // namespace

Plan raceRepairs(const Plan& applied, const RemoteState& after) {
  Plan out;
  out.targetKind = applied.targetKind;
  out.targetName = applied.targetName;
  out.where = applied.where;
  std::set<std::tuple<ObjKind, std::string, std::string>> created;
  for (const auto& c : applied.changes)
    if (c.action == Action::Create) created.insert({c.kind, c.key, c.type});
  for (const auto* list : after.lists()) {
    for (const auto& [kind, key, type] : created) {
      std::vector<const RemoteObject*> copies;
      for (const auto& r : *list)
        if (r.kind == kind && isOwned(r) && objectKey(kind, r.body) == key && typeOf(r) == type) copies.push_back(&r);
      if (copies.size() < 2) continue;
      std::sort(copies.begin(), copies.end(), [](const RemoteObject* a, const RemoteObject* b) { return a->id < b->id; });
      for (size_t i = 1; i < copies.size(); ++i) {
        Change del{Action::Delete, kind, key, copies[i]->id, type, "", "", nullptr, {}};
        del.duplicateOf = copies[0]->id;
        out.changes.push_back(std::move(del));
      }
    }
  }
  return out;
}

}  // namespace mon::engine
