#include "newrelic/dashboard_remote.h"

#include <algorithm>

#include "newrelic/dashboards.h"
#include "ownership.h"

namespace mon::newrelic {

const char* const kDashboardSearch =
    "query($query: String, $cursor: String) {\n"
    "  actor { entitySearch(query: $query) { results(cursor: $cursor) {\n"
    "    nextCursor entities { guid name accountId ... on DashboardEntityOutline { dashboardParentGuid } } } } }\n}";
const char* const kDashboardRead =
    "query($guids: [EntityGuid]!) {\n"
    "  actor { entities(guids: $guids) { guid accountId\n"
    "    ... on DashboardEntity { name description permissions dashboardParentGuid\n"
    "      pages { guid name description\n"
    "        widgets { id title visualization { id } layout { column row width height } rawConfiguration } } } } }\n}";
const char* const kDashboardCreate =
    "mutation($accountId: Int!, $dashboard: DashboardInput!) {\n"
    "  dashboardCreate(accountId: $accountId, dashboard: $dashboard) { entityResult { guid name } errors { description type } }\n}";
const char* const kDashboardUpdate =
    "mutation($guid: EntityGuid!, $dashboard: DashboardInput!) {\n"
    "  dashboardUpdate(guid: $guid, dashboard: $dashboard) { entityResult { guid name } errors { description type } }\n}";
const char* const kDashboardDelete =
    "mutation($guid: EntityGuid!) {\n  dashboardDelete(guid: $guid) { status errors { description type } }\n}";

namespace {

using engine::ObjKind;
using engine::OpResult;

constexpr size_t kReadBatch = 25;  // actor.entities takes at most 25 guids

std::string text(const Json& o, const char* k) {
  return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
}

// The errors a dashboard mutation answers in its payload (not as GraphQL errors): "" when none.
std::string payloadErrors(const Json* result) {
  std::string why;
  if (result && result->contains("errors") && (*result)["errors"].is_array())
    for (const auto& e : (*result)["errors"]) {
      if (!why.empty()) why += "; ";
      why += text(e, "type") + ": " + text(e, "description");
    }
  return why;
}

Json remoteBody(const Json& input) {
  std::string name = input.value("name", "");
  Json body = {{"urlPath", name}, {"name", name}, {"dashboard", input}};
  if (engine::hasOwnerMarker(text(input, "description"))) body["memo"] = std::string(engine::kOwnerMarker);
  return body;
}

}  // namespace

Json dashboardInput(const Json& e) {
  Json in = {{"name", text(e, "name")}, {"description", text(e, "description")}, {"permissions", text(e, "permissions")}};
  Json pages = Json::array();
  for (const auto& p : e.value("pages", Json::array())) {
    if (!p.is_object()) continue;
    Json page = {{"name", text(p, "name")}};
    if (!text(p, "description").empty()) page["description"] = text(p, "description");
    Json widgets = Json::array();
    for (const auto& w : p.value("widgets", Json::array())) {
      if (!w.is_object()) continue;
      Json wi = {{"title", text(w, "title")}};
      for (const char* k : {"visualization", "layout", "rawConfiguration"})
        if (w.contains(k) && w[k].is_object()) wi[k] = w[k];
      widgets.push_back(std::move(wi));
    }
    page["widgets"] = std::move(widgets);
    pages.push_back(std::move(page));
  }
  in["pages"] = std::move(pages);
  return in;
}

bool DashboardStore::search(const std::string& name, std::vector<std::string>& guids, std::string& err) {
  std::string cursor;
  std::string query = "type = 'DASHBOARD' AND accountId = " + std::to_string(account_);
  do {
    Json vars = {{"query", query}, {"cursor", cursor.empty() ? Json() : Json(cursor)}};
    Json data;
    if (!api_->call("entitySearch", kDashboardSearch, vars, data, err)) return false;
    const Json* page = at(data, {"actor", "entitySearch", "results"});
    if (!page) return (err = "entitySearch: no results in the answer", false);
    cursor = text(*page, "nextCursor");
    for (const auto& e : page->value("entities", Json::array())) {
      // A page of a dashboard is a dashboard entity too, with its dashboard as parent; other
      // accounts' dashboards are not this target's.
      if (!e.is_object() || !text(e, "dashboardParentGuid").empty()) continue;
      if (e.contains("accountId") && e["accountId"].is_number() && e["accountId"].get<int64_t>() != account_) continue;
      if (!name.empty() && text(e, "name") != name) continue;
      guids.push_back(text(e, "guid"));
    }
  } while (!cursor.empty());
  return true;
}

bool DashboardStore::fetch(std::vector<engine::RemoteObject>& out, std::string& err) {
  std::vector<std::string> guids;
  if (!search("", guids, err)) return false;
  for (size_t i = 0; i < guids.size(); i += kReadBatch) {
    Json batch = Json::array();
    for (size_t j = i; j < std::min(guids.size(), i + kReadBatch); ++j) batch.push_back(guids[j]);
    Json data;
    if (!api_->call("entities", kDashboardRead, {{"guids", batch}}, data, err)) return false;
    const Json* list = at(data, {"actor", "entities"});
    if (!list || !list->is_array()) return (err = "entities: no result in the answer", false);
    for (const auto& e : *list) {
      // Gone between the search and the read (deleted meanwhile): nothing to plan for.
      if (!e.is_object() || text(e, "guid").empty() || !e.contains("pages")) continue;
      out.push_back({ObjKind::Dashboard, text(e, "guid"), remoteBody(dashboardInput(e))});
    }
  }
  std::sort(out.begin(), out.end(), [](const engine::RemoteObject& a, const engine::RemoteObject& b) { return a.id < b.id; });
  return true;
}

bool DashboardStore::findByName(const std::string& name, std::string& guid, std::string& err) {
  std::vector<std::string> guids;
  if (!search(name, guids, err)) return false;
  for (size_t i = 0; i < guids.size(); i += kReadBatch) {
    Json batch = Json::array();
    for (size_t j = i; j < std::min(guids.size(), i + kReadBatch); ++j) batch.push_back(guids[j]);
    Json data;
    if (!api_->call("entities", kDashboardRead, {{"guids", batch}}, data, err)) return false;
    if (const Json* list = at(data, {"actor", "entities"}); list && list->is_array())
      for (const auto& e : *list)
        if (e.is_object() && text(e, "name") == name && engine::hasOwnerMarker(text(e, "description"))) guid = text(e, "guid");
  }
  return true;
}

OpResult DashboardStore::create(const std::string& key, const Json& body) {
  OpResult r;
  Json vars = {{"accountId", account_}, {"dashboard", body.value("dashboard", Json::object())}};
  net::Retrier retrier(api_->retry());
  for (;;) {
    Attempt a = api_->post(kDashboardCreate, vars);
    if (a.ok) {
      const Json* result = at(a.data, {"dashboardCreate"});
      if (std::string why = payloadErrors(result); !why.empty()) return (r.error = "dashboardCreate: " + why, r);
      const Json* guid = result ? at(*result, {"entityResult", "guid"}) : nullptr;
      if (!guid || !guid->is_string()) return (r.error = "dashboardCreate: no guid in the answer", r);
      r.id = guid->get<std::string>();
      r.ok = true;
      return r;
    }
    // A create the server may have carried out is looked for by its name before it is sent
    // again; a rate-limited one was not carried out.
    if (a.verdict.status != 429 && net::retryable(a.verdict)) {
      std::string guid, why;
      if (findByName(key, guid, why) && !guid.empty()) {
        r.id = guid, r.ok = true, r.recovered = true;
        return r;
      }
    }
    if (!retrier.again(a.verdict)) {
      r.error = "dashboardCreate: " + a.why;
      if (retrier.attempts() > 1) r.error += " (after " + std::to_string(retrier.attempts()) + " attempts)";
      r.attempts = retrier.attempts();
      return r;
    }
  }
}

OpResult DashboardStore::update(const std::string& guid, const Json& body) {
  OpResult r;
  r.id = guid;
  Json data;
  // An update sends the whole dashboard: NerdGraph replaces its pages and widgets with these.
  if (!api_->call("dashboardUpdate", kDashboardUpdate, {{"guid", guid}, {"dashboard", body.value("dashboard", Json::object())}}, data,
                  r.error))
    return r;
  if (std::string why = payloadErrors(at(data, {"dashboardUpdate"})); !why.empty()) return (r.error = "dashboardUpdate: " + why, r);
  r.ok = true;
  return r;
}

OpResult DashboardStore::remove(const std::string& guid) {
  OpResult r;
  r.id = guid;
  Json data;
  if (!api_->call("dashboardDelete", kDashboardDelete, {{"guid", guid}}, data, r.error)) return r;
  const Json* result = at(data, {"dashboardDelete"});
  std::string why = payloadErrors(result);
  // Already gone (a run that was stopped after its delete): nothing left to do.
  if (!why.empty() && why.find("DASHBOARD_NOT_FOUND") == std::string::npos) return (r.error = "dashboardDelete: " + why, r);
  if (why.empty() && (!result || text(*result, "status") != "SUCCESS"))
    return (r.error = "dashboardDelete: status " + (result ? text(*result, "status") : std::string("missing")), r);
  r.ok = true;
  return r;
}

}  // namespace mon::newrelic
