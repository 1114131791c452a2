#include "kibana/dashboard_remote.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "kibana/dashboards.h"
#include "ownership.h"

namespace mon::kibana {

namespace {

using engine::OpResult;
using Json = ir::Json;

// An id in a URL path: RFC 3986 unreserved characters as they are, the rest percent-encoded.
std::string pathSegment(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += '%', out += hex[c >> 4], out += hex[c & 15];
  }
  return out;
}

bool isPanelType(const std::string& type) { return type == "lens" || type == "visualization"; }

// "TYPE 'ID'" for messages.
std::string named(const Json& o) { return o.value("type", "") + " '" + o.value("id", "") + "'"; }

// The objects of `list` as `_bulk_get` answers them, by "type/id"; missing ones left out.
bool bulkGet(Api& api, const std::vector<std::pair<std::string, std::string>>& list, std::map<std::string, Json>& out,
             std::string& err) {
  if (list.empty()) return true;
  Json req = Json::array();
  for (const auto& [type, id] : list) req.push_back({{"type", type}, {"id", id}});
  ApiAnswer a = api.call("POST", "/api/saved_objects/_bulk_get", req);
  if (!a.error.empty()) return (err = a.error, false);
  if (!a.body.is_object() || !a.body.contains("saved_objects") || !a.body["saved_objects"].is_array())
    return (err = "POST /api/saved_objects/_bulk_get: the answer has no saved_objects list", false);
  for (const auto& o : a.body["saved_objects"]) {
    if (!o.is_object() || o.contains("error")) continue;
    out[o.value("type", "") + "/" + o.value("id", "")] = o;
  }
  return true;
}

// The import answer's errors as one message; "" when it has none. Conflicts on the owner tag
// are not errors: another run made it first.
std::string importErrors(const Json& answer) {
  if (!answer.is_object()) return "the import answer is not a JSON object";
  std::string out;
  for (const auto& e : answer.value("errors", Json::array())) {
    if (!e.is_object()) continue;
    std::string type = e.value("error", Json::object()).value("type", "");
    if (type == "conflict" && e.value("type", "") == "tag" && e.value("id", "") == kOwnerTagId) continue;
    out += (out.empty() ? "" : "; ") + named(e) + ": " + type;
    if (type == "missing_references")
      for (const auto& r : e["error"].value("references", Json::array()))
        out += " (" + r.value("type", "") + " '" + r.value("id", "") + "')";
    if (type == "conflict") out += " (written since plan read the target)";
  }
  // success is false for the tag's conflict alone: an error the loop above has passed over.
  if (out.empty() && !answer.value("success", false) && answer.value("errors", Json::array()).empty())
    out = "the import did not succeed";
  return out;
}

// True when the import's only errors are conflicts (other than on the owner tag).
bool onlyConflicts(const Json& answer) {
  if (!answer.is_object() || !answer.contains("errors") || !answer["errors"].is_array()) return false;
  bool any = false;
  for (const auto& e : answer["errors"]) {
    if (!e.is_object() || e.value("error", Json::object()).value("type", "") != "conflict") return false;
    if (e.value("type", "") == "tag" && e.value("id", "") == kOwnerTagId) continue;
    any = true;
  }
  return any;
}

}  // namespace

bool DashboardStore::fetch(std::vector<engine::RemoteObject>& out, std::string& err) {
  std::map<std::string, std::vector<Json>> known;
  std::vector<Json> dashboards;
  const int perPage = 100;
  for (int page = 1;; ++page) {
    ApiAnswer a = api_->call("GET", "/api/saved_objects/_find?type=dashboard&per_page=" + std::to_string(perPage) +
                                        "&page=" + std::to_string(page) + "&sort_field=updated_at");
    if (!a.error.empty()) return (err = a.error, false);
    if (!a.body.is_object() || !a.body.contains("saved_objects") || !a.body["saved_objects"].is_array())
      return (err = "GET /api/saved_objects/_find: the answer has no saved_objects list", false);
    for (const auto& o : a.body["saved_objects"])
      if (o.is_object()) dashboards.push_back(o);
    if (a.body["saved_objects"].empty() || static_cast<long long>(page) * perPage >= a.body.value("total", 0LL)) break;
  }
  std::vector<std::pair<std::string, std::string>> panels;
  for (const auto& d : dashboards)
    if (ownedObject(d))
      for (const auto& r : d.value("references", Json::array()))
        if (r.is_object() && isPanelType(r.value("type", ""))) panels.emplace_back(r.value("type", ""), r.value("id", ""));
  std::map<std::string, Json> panelObjects;
  if (!bulkGet(*api_, panels, panelObjects, err)) return false;
  for (const auto& d : dashboards) {
    std::string id = d.value("id", "");
    std::string key = urlPathOf(space_, id);
    if (key.empty()) continue;  // not a name this space's dashboards get: never one of monitorc's
    bool owned = ownedObject(d);
    Json objects = Json::array();
    if (owned)
      for (const auto& r : d.value("references", Json::array())) {
        if (!r.is_object() || !isPanelType(r.value("type", ""))) continue;
        auto it = panelObjects.find(r.value("type", "") + "/" + r.value("id", ""));
        if (it != panelObjects.end()) objects.push_back(it->second);
      }
    objects.push_back(d);
    known[id] = std::vector<Json>(objects.begin(), objects.end());
    Json body = {{"urlPath", key}, {"title", d.value("attributes", Json::object()).value("title", "")}, {"objects", objects}};
    if (owned) body["memo"] = std::string(engine::kOwnerMarker);
    out.push_back({engine::ObjKind::Dashboard, id, std::move(body)});
  }
  std::lock_guard<std::mutex> lock(mu_);
  known_ = std::move(known);
  return true;
}

std::vector<Json> DashboardStore::knownObjects(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = known_.find(id);
  return it == known_.end() ? std::vector<Json>{} : it->second;
}

// Every id the objects take is checked first: held by an unowned object (but the dashboard
// being adopted and the panels it shows), nothing is sent; held by owned ones (an earlier run's), the
// import overwrites; the owner tag goes along only when it is not there yet.
OpResult DashboardStore::write(const std::string& id, const std::vector<Json>& objects, const std::set<std::string>& adoptable) {
  OpResult r;
  r.id = id;
  std::vector<std::pair<std::string, std::string>> ids = {{"tag", kOwnerTagId}};
  for (const auto& o : objects) ids.emplace_back(o.value("type", ""), o.value("id", ""));
  std::map<std::string, Json> existing;
  if (!bulkGet(*api_, ids, existing, r.error)) return r;
  bool overwrite = false;
  for (const auto& o : objects) {
    auto it = existing.find(o.value("type", "") + "/" + o.value("id", ""));
    if (it == existing.end()) continue;
    bool mayTake = ownedObject(it->second) || adoptable.count(it->first);
    if (!mayTake)
      return (r.error = named(o) + " is on the target without the tag " + std::string(kOwnerTag) +
                        ": monitorc does not overwrite it (delete it in Kibana or change the dashboard's url_path)",
              r);
    overwrite = true;
  }
  std::string ndjson;
  if (!existing.count(std::string("tag/") + kOwnerTagId)) ndjson += ownerTagObject().dump() + "\n";
  for (const auto& o : objects) ndjson += o.dump() + "\n";
  ApiAnswer a = api_->importObjects(ndjson, overwrite);
  if (!a.error.empty()) return (r.error = a.error, r);
  if (!overwrite && onlyConflicts(a.body)) {
    // Taken since the check: by this same import, carried out while its answer was lost and
    // sent again by the retry, or by another run. Owned objects are overwritten (recovered);
    // anything else is left alone and reported.
    std::vector<std::pair<std::string, std::string>> conflicting;
    for (const auto& e : a.body["errors"])
      if (!(e.value("type", "") == "tag" && e.value("id", "") == kOwnerTagId)) conflicting.emplace_back(e.value("type", ""), e.value("id", ""));
    std::map<std::string, Json> now;
    if (!bulkGet(*api_, conflicting, now, r.error)) return r;
    for (const auto& [type, oid] : conflicting) {
      auto it = now.find(type + "/" + oid);
      if (it == now.end() || !ownedObject(it->second))
        return (r.error = "import of dashboard '" + id + "': " + type + " '" + oid + "' was written since the check, without the tag " +
                          std::string(kOwnerTag),
                r);
    }
    a = api_->importObjects(ndjson, true);
    if (!a.error.empty()) return (r.error = a.error, r);
    r.recovered = true;
  }
  if (std::string why = importErrors(a.body); !why.empty()) return (r.error = "import of dashboard '" + id + "': " + why, r);
  r.ok = true;
  return r;
}

OpResult DashboardStore::create(const Json& body) {
  Json objects = body.value("objects", Json::array());
  std::string id = objects.empty() ? "" : objects.back().value("id", "");
  // An owned dashboard with this id already there is an earlier run's create whose answer was
  // lost: write() overwrites it, and the change is reported as recovered.
  std::map<std::string, Json> before;
  std::string err;
  bool found = bulkGet(*api_, {{"dashboard", id}}, before, err) && before.count("dashboard/" + id) &&
               ownedObject(before["dashboard/" + id]);
  OpResult r = write(id, std::vector<Json>(objects.begin(), objects.end()), {});
  r.recovered = r.ok && (found || r.recovered);
  return r;
}

OpResult DashboardStore::update(const std::string& id, const Json& body) {
  std::vector<Json> read = knownObjects(id);
  if (read.empty()) {
    OpResult r;
    r.id = id;
    r.error = "dashboard '" + id + "' is not on the target as last read";
    return r;
  }
  Json objects = body.value("objects", Json::array());
  // Adopting (the plan's adopt of a dashboard without the tag) takes the dashboard and the
  // panels it shows.
  std::set<std::string> adoptable;
  if (!ownedObject(read.back())) {
    adoptable.insert("dashboard/" + id);
    for (const auto& r : read.back().value("references", Json::array()))
      if (r.is_object() && isPanelType(r.value("type", ""))) adoptable.insert(r.value("type", "") + "/" + r.value("id", ""));
  }
  OpResult r = write(id, std::vector<Json>(objects.begin(), objects.end()), adoptable);
  if (!r.ok) return r;
  // Panels the dashboard had and no longer has (a widget removed): owned ones go.
  std::set<std::string> keep;
  for (const auto& o : objects) keep.insert(o.value("type", "") + "/" + o.value("id", ""));
  for (const auto& o : read) {
    std::string type = o.value("type", "");
    if (!isPanelType(type) || keep.count(type + "/" + o.value("id", "")) || !ownedObject(o)) continue;
    ApiAnswer a = api_->call("DELETE", "/api/saved_objects/" + type + "/" + pathSegment(o.value("id", "")));
    if (!a.error.empty() && a.status != 404) return (r.ok = false, r.error = a.error, r);
  }
  return r;
}

OpResult DashboardStore::remove(const std::string& id) {
  OpResult r;
  r.id = id;
  std::vector<Json> read = knownObjects(id);
  ApiAnswer a = api_->call("DELETE", "/api/saved_objects/dashboard/" + pathSegment(id));
  if (!a.error.empty() && a.status != 404) return (r.error = a.error, r);
  for (const auto& o : read) {
    std::string type = o.value("type", "");
    if (!isPanelType(type) || !ownedObject(o)) continue;
    ApiAnswer p = api_->call("DELETE", "/api/saved_objects/" + type + "/" + pathSegment(o.value("id", "")));
    if (!p.error.empty() && p.status != 404) return (r.error = p.error, r);
  }
  r.ok = true;
  return r;
}

Json normalizeDashboard(const Json& body) {
  Json objects = Json::array();
  for (const auto& o : body.value("objects", Json::array())) objects.push_back(canonicalObject(o));
  std::sort(objects.begin(), objects.end(), [](const Json& a, const Json& b) {
    return std::make_pair(a.value("type", ""), a.value("id", "")) < std::make_pair(b.value("type", ""), b.value("id", ""));
  });
  return {{"urlPath", body.value("urlPath", Json(""))}, {"objects", objects}};
}

}  // namespace mon::kibana
