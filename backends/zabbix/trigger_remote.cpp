#include "zabbix/trigger_remote.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "ownership.h"
#include "zabbix/dashboards.h"
#include "zabbix/mapping.h"
#include "zabbix/web.h"

namespace mon::zabbix {

namespace {

using engine::ObjKind;
using engine::OpResult;
using engine::RemoteObject;
using engine::RemoteState;

const char* const kItemFields[] = {"key_", "name", "type", "value_type", "units", "delay"};
// Trigger fields compared by plan, with Zabbix's defaults.
const std::pair<const char*, const char*> kTriggerFields[] = {
    {"description", ""},     {"expression", ""}, {"priority", "0"},         {"comments", ""},
    {"url", ""},             {"manual_close", "0"}, {"recovery_mode", "0"}, {"recovery_expression", ""},
    {"opdata", ""},          {"event_name", ""}, {"status", "0"},           {"type", "0"},
    {"correlation_mode", "0"}, {"correlation_tag", ""}};

std::string text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return v.dump();
}

Json sortedTags(const Json& tags) {
  std::vector<std::pair<std::string, std::string>> v;
  if (tags.is_array())
    for (const auto& t : tags)
      if (t.is_object()) v.emplace_back(text(t.value("tag", Json(""))), text(t.value("value", Json(""))));
  std::sort(v.begin(), v.end());
  Json out = Json::array();
  for (auto& [t, val] : v) out.push_back({{"tag", t}, {"value", val}});
  return out;
}

bool ownedTags(const Json& tags) { return tagValue(tags, kOwnerTag) == kOwnerValue; }

long long idNum(const std::string& id) { return std::atoll(id.c_str()); }

// A trigger as the API takes it for create/update: the compared fields and tags; the parts it
// depends on are resolved by the caller.
Json triggerParams(const Json& t) {
  Json p = Json::object();
  for (auto it = t.begin(); it != t.end(); ++it)
    if (it.key() != "dependencies") p[it.key()] = it.value();
  return p;
}

Json itemParams(const Json& it) {
  Json p = Json::object();
  for (const char* f : kItemFields)
    if (it.contains(f)) p[f] = it[f];
  if (it.contains("tags")) p["tags"] = it["tags"];
  return p;
}

struct Group {
  std::map<std::string, std::string> parts;  // part -> triggerid
  std::vector<std::string> itemKeys;
  bool foreign = false;  // one trigger without the ownership tags (adopt)
  std::string webId;     // the monitor's web scenario (external monitors)
  Json web;              // that scenario as read, step ids included
};

class ZabbixRemote : public engine::Remote {
 public:
  ZabbixRemote(std::shared_ptr<Api> api, TargetSettings s) : api_(std::move(api)), s_(std::move(s)) {}

  std::string describe() const override { return "zabbix \"" + s_.name + "\" (" + api_->endpoint() + ")"; }

  bool fetch(RemoteState& out, std::string& err) override {
    std::lock_guard<std::mutex> lock(mu_);
    groups_.clear();
    items_.clear();
    Json r;
    // The dashboards monitorc owns (their page's name). The others are not listed, so that a
    // plan does not show every dashboard of the server; their names are kept, since Zabbix
    // takes a dashboard name once.
    if (!api_->call("dashboard.get", {{"output", {"dashboardid", "name", "private"}}, {"selectPages", "extend"}}, r, err))
      return false;
    foreignDashboards_.clear();
    // The items the item widgets show, by host and key as the source names them.
    Json itemIds = Json::array();
    for (const auto& d : r)
      for (const auto& id : itemIdsIn(d)) itemIds.push_back(id);
    std::map<std::string, Json> widgetItems;
    if (!itemIds.empty()) {
      Json found;
      if (!api_->call("item.get", {{"output", {"itemid", "key_"}}, {"itemids", itemIds}, {"selectHosts", {"host"}}, {"webitems", true}},
                      found, err))
        return false;
      for (const auto& it : found)
        if (!it.value("hosts", Json::array()).empty())
          widgetItems[text(it["itemid"])] = {{"host", text(it["hosts"][0]["host"])}, {"key", text(it["key_"])}};
    }
    for (const auto& d : r) {
      Json body = dashboardFromApi(d, s_, widgetItems);
      if (body.contains("memo")) out.dashboards.push_back({ObjKind::Dashboard, text(d.value("dashboardid", Json(""))), std::move(body)});
      else foreignDashboards_.insert(text(d.value("name", Json(""))));
    }
    if (!api_->call("template.get", {{"output", {"templateid", "host"}}, {"filter", {{"host", {s_.templateHost}}}},
                                     {"selectTags", {"tag", "value"}}},
                    r, err))
      return false;
    templateId_.clear();
    if (!r.is_array() || r.empty()) return true;  // nothing yet: apply creates the template
    templateId_ = text(r[0].value("templateid", Json("")));
    templateOwned_ = ownedTags(r[0].value("tags", Json::array()));
    Json items, triggers;
    if (!api_->call("item.get", {{"output", {"itemid", "key_", "name", "type", "value_type", "units", "delay"}},
                                 {"templateids", {templateId_}}, {"inherited", false}, {"selectTags", {"tag", "value"}}},
                    items, err))
      return false;
    for (auto& it : items) items_[text(it["key_"])] = it;
    Json output = Json::array({"triggerid"});
    for (const auto& [f, d] : kTriggerFields) output.push_back(f);
    if (!api_->call("trigger.get", {{"output", output}, {"templateids", {templateId_}}, {"inherited", false},
                                    {"expandExpression", true}, {"selectTags", {"tag", "value"}},
                                    {"selectDependencies", {"triggerid"}}},
                    triggers, err))
      return false;
    // Triggers by monitor (tag), in id order; the monitor's id is its first trigger's.
    std::vector<Json*> sorted;
    for (auto& t : triggers) sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](Json* a, Json* b) { return idNum(text((*a)["triggerid"])) < idNum(text((*b)["triggerid"])); });
    std::map<std::string, std::string> partOf;  // triggerid -> part (owned triggers)
    std::map<std::string, std::vector<Json*>> byMonitor;
    std::vector<std::string> order;
    for (Json* t : sorted) {
      const Json& tags = (*t)["tags"];
      std::string mon = tagValue(tags, kMonitorTag);
      if (ownedTags(tags) && !mon.empty()) {
        partOf[text((*t)["triggerid"])] = tagValue(tags, kPartTag);
        if (!byMonitor.count(mon)) order.push_back(mon);
        byMonitor[mon].push_back(t);
      } else {
        Group g;
        g.foreign = true;
        g.parts[""] = text((*t)["triggerid"]);
        Json body = {{"name", text((*t)["description"])}, {"type", "trigger"}, {"triggers", {remoteTrigger(*t, partOf)}}};
        out.monitors.push_back({ObjKind::Monitor, g.parts[""], std::move(body)});
        groups_[g.parts[""]] = std::move(g);
      }
    }
    std::map<std::string, size_t> listed;  // monitor name -> its place in out.monitors
    for (const auto& mon : order) {
      listed[mon] = out.monitors.size();
      Group g;
      Json trig = Json::array(), its = Json::array();
      for (Json* t : byMonitor[mon]) {
        g.parts[tagValue((*t)["tags"], kPartTag)] = text((*t)["triggerid"]);
        trig.push_back(remoteTrigger(*t, partOf));
        for (const auto& k : itemKeysIn(text((*t)["expression"]) + " " + text((*t)["recovery_expression"]), s_.templateHost))
          if (std::find(g.itemKeys.begin(), g.itemKeys.end(), k) == g.itemKeys.end()) {
            g.itemKeys.push_back(k);
            if (auto it = items_.find(k); it != items_.end()) its.push_back(remoteItem(it->second));
          }
      }
      std::string id = text((*byMonitor[mon].front())["triggerid"]);
      Json body = {{"name", mon}, {"type", "trigger"}, {"memo", std::string(engine::kOwnerMarker)}, {"items", its}, {"triggers", trig}};
      out.monitors.push_back({ObjKind::Monitor, id, std::move(body)});
      groups_[id] = std::move(g);
    }
    return fetchWebScenarios(out, listed, err);
  }

  // The owned web scenarios (tag managed_by=monitorc), each joined to the monitor its tag
  // names; a scenario whose triggers are gone is a monitor of its own (id "httptest:ID"), so
  // that apply completes it or --prune deletes it. Scenarios made by hand are not listed.
  bool fetchWebScenarios(RemoteState& out, const std::map<std::string, size_t>& listed, std::string& err) {
    Json scenarios;
    if (!api_->call("httptest.get", {{"output", {"httptestid", "name", "delay", "retries", "agent", "status", "verify_peer",
                                                 "verify_host", "http_proxy"}},
                                     {"templateids", {templateId_}}, {"inherited", false}, {"selectSteps", "extend"},
                                     {"selectTags", {"tag", "value"}}},
                    scenarios, err))
      return false;
    for (auto& w : scenarios) {
      Json tags = w.value("tags", Json::array());
      if (!ownedTags(tags)) continue;
      std::string mon = tagValue(tags, kMonitorTag);
      if (mon.empty()) mon = text(w["name"]);
      std::string webId = text(w["httptestid"]);
      Json web = Json::object();
      for (auto it = w.begin(); it != w.end(); ++it)
        if (it.key() != "httptestid") web[it.key()] = it.value();
      RemoteObject* obj = nullptr;
      if (auto at = listed.find(mon); at != listed.end()) {
        obj = &out.monitors[at->second];
      } else {
        std::string id = "httptest:" + webId;
        out.monitors.push_back({ObjKind::Monitor, id, {{"name", mon}, {"memo", std::string(engine::kOwnerMarker)},
                                                       {"items", Json::array()}, {"triggers", Json::array()}}});
        obj = &out.monitors.back();
        groups_[id] = Group{};
      }
      Group& g = groups_[obj->id];
      g.webId = webId;
      g.web = web;
      obj->body["type"] = "web";
      obj->body["web"] = std::move(web);
    }
    return true;
  }

  OpResult create(ObjKind kind, const std::string&, const Json& body) override {
    OpResult r;
    if (kind == ObjKind::Dashboard) {
      Json res;
      if (std::lock_guard<std::mutex> lock(mu_); foreignDashboards_.count(body.value("name", "")))
        return (r.error = "dashboard '" + body.value("name", "") + "' exists and is not owned by monitorc (its page is not named '" +
                          ownedPageName(s_) + "')", r);
      Json p;
      if (!dashboardParams(body, itemIdOf(), p, r.error) || !api_->call("dashboard.create", p, res, r.error)) return r;
      r.id = text(res.value("dashboardids", Json::array({""}))[0]);
      r.ok = true;
      return r;
    }
    if (!ensureTemplate(r.error) || !ensureItems(body, r.error)) return r;
    Group g;
    if (!writeWeb(body, g, r.error) || !writeTriggers(body, g, r.error)) return r;
    r.id = firstId(g);
    r.ok = true;
    return r;
  }

  // The monitor's triggers as the last fetch found them; update and remove act only on those.
  bool groupAsRead(ObjKind kind, const std::string& id, Group& g, std::string& error) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(id);
    if (kind != ObjKind::Monitor || it == groups_.end()) {
      error = "trigger " + id + " is not on the target as last read";
      return false;
    }
    g = it->second;
    return true;
  }

  OpResult update(ObjKind kind, const std::string& id, const Json& body) override {
    OpResult r;
    r.id = id;
    if (kind == ObjKind::Dashboard) {
      // The pages are replaced whole: pages sent without their ids take the old ones' place.
      Json p, res;
      if (!dashboardParams(body, itemIdOf(), p, r.error)) return r;
      p["dashboardid"] = id;
      r.ok = api_->call("dashboard.update", p, res, r.error);
      return r;
    }
    Group g;
    if (!groupAsRead(kind, id, g, r.error)) return r;
    if (!ensureTemplate(r.error) || !ensureItems(body, r.error)) return r;
    std::vector<std::string> oldKeys = g.itemKeys;
    if (g.foreign) {  // adoption: the trigger becomes the monitor's first part
      std::string tid = g.parts[""];
      g.parts.clear();
      if (body.contains("triggers") && !body["triggers"].empty())
        g.parts[tagValue(body["triggers"][0]["tags"], kPartTag)] = tid;
    }
    std::set<std::string> wanted;
    for (const auto& t : body.value("triggers", Json::array())) wanted.insert(tagValue(t["tags"], kPartTag));
    // The scenario first: a renamed one renames its items, which the new expressions read.
    if (!writeWeb(body, g, r.error)) return r;
    std::vector<std::string> gone;
    for (const auto& [part, tid] : g.parts)
      if (!wanted.count(part)) gone.push_back(tid);
    for (const auto& tid : gone)
      for (auto it = g.parts.begin(); it != g.parts.end(); ++it)
        if (it->second == tid) {
          g.parts.erase(it);
          break;
        }
    if (!writeTriggers(body, g, r.error)) return r;
    Json res;
    if (!gone.empty() && !api_->call("trigger.delete", gone, res, r.error)) return r;
    // Items the monitor no longer reads go when no other trigger reads them.
    std::vector<std::string> dropped;
    for (const auto& k : oldKeys) {
      bool kept = false;
      for (const auto& it : body.value("items", Json::array())) kept = kept || text(it.value("key_", Json(""))) == k;
      if (!kept) dropped.push_back(k);
    }
    if (!dropUnusedItems(dropped, r.error)) return r;
    if (!body.contains("web") && !g.webId.empty() && !api_->call("httptest.delete", Json::array({g.webId}), res, r.error)) return r;
    r.ok = true;
    return r;
  }

  OpResult remove(ObjKind kind, const std::string& id) override {
    OpResult r;
    r.id = id;
    if (kind == ObjKind::Dashboard) {
      Json res;
      r.ok = api_->call("dashboard.delete", Json::array({id}), res, r.error);
      return r;
    }
    Group g;
    if (!groupAsRead(kind, id, g, r.error)) return r;
    Json ids = Json::array(), res;
    for (const auto& [part, tid] : g.parts) ids.push_back(tid);
    if (!ids.empty() && !api_->call("trigger.delete", ids, res, r.error)) return r;
    if (!dropUnusedItems(g.itemKeys, r.error)) return r;
    // Its items (and any trigger still reading them) go with it.
    if (!g.webId.empty() && !api_->call("httptest.delete", Json::array({g.webId}), res, r.error)) return r;
    r.ok = true;
    return r;
  }

  // Zabbix's create, update and delete methods take arrays, and each call costs the frontend
  // about as much whatever its size: a batch of monitors is written in a few calls. Updates
  // that only change triggers: one trigger.update; removes: one trigger.delete (and one
  // item.get, one item.delete for the items no trigger reads any more); creates: one
  // item.create for their new items, one trigger.create for the triggers no other depends on
  // first, one for those depending on them. The others (web scenarios, dashboards, items to
  // change, parts added or dropped, adoptions) go one by one, as does a whole batch whose call
  // fails, so that each error is reported on its own monitor.
  size_t batchLimit() const override { return 50; }

  std::vector<OpResult> writeBatch(const std::vector<engine::Write>& writes) override {
    std::vector<OpResult> out(writes.size());
    std::vector<size_t> batched, single;
    for (size_t i = 0; i < writes.size(); ++i) (batchable(writes[i]) ? batched : single).push_back(i);
    if (batched.size() > 1) {
      std::string err;
      bool ok = ensureTemplate(err);
      if (ok && writes[batched[0]].what == engine::Write::Update) ok = updateBatch(writes, batched, out);
      else if (ok && writes[batched[0]].what == engine::Write::Remove) ok = removeBatch(writes, batched, out);
      else if (ok) ok = createBatch(writes, batched, out);
      if (!ok) single.insert(single.end(), batched.begin(), batched.end());
    } else {
      single.insert(single.end(), batched.begin(), batched.end());
    }
    for (size_t i : single) {
      const engine::Write& w = writes[i];
      if (w.what == engine::Write::Create) out[i] = create(w.kind, w.key, *w.body);
      else if (w.what == engine::Write::Update) out[i] = update(w.kind, w.id, *w.body);
      else out[i] = remove(w.kind, w.id);
    }
    return out;
  }

 private:
  static std::set<std::string> partsOf(const Json& body) {
    std::set<std::string> parts;
    for (const auto& t : body.value("triggers", Json::array())) parts.insert(tagValue(t["tags"], kPartTag));
    return parts;
  }
  static std::set<std::string> itemKeysOf(const Json& body) {
    std::set<std::string> keys;
    for (const auto& it : body.value("items", Json::array())) keys.insert(text(it.value("key_", Json(""))));
    return keys;
  }
  // Every item the body reads exists as it wants it (`missingOk`: or does not exist yet).
  bool itemsAsWanted(const Json& body, bool missingOk) {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& want : body.value("items", Json::array())) {
      auto it = items_.find(text(want.value("key_", Json(""))));
      if (it == items_.end()) {
        if (!missingOk) return false;
      } else if (!ownedTags(it->second.value("tags", Json::array())) || normalizeItem(remoteItem(it->second)) != normalizeItem(want)) {
        return false;
      }
    }
    return true;
  }

  bool batchable(const engine::Write& w) {
    if (w.kind != ObjKind::Monitor || (w.body && w.body->contains("web"))) return false;
    if (w.what == engine::Write::Create) {
      // createBatch writes dependencies one level deep (warning -> critical).
      std::set<std::string> dependent;
      for (const auto& t : w.body->value("triggers", Json::array()))
        if (!t.value("dependencies", Json::array()).empty()) dependent.insert(tagValue(t["tags"], kPartTag));
      for (const auto& t : w.body->value("triggers", Json::array()))
        for (const auto& d : t.value("dependencies", Json::array()))
          if (dependent.count(text(d)) || !partsOf(*w.body).count(text(d))) return false;
      return itemsAsWanted(*w.body, true);
    }
    Group g;
    std::string err;
    if (!groupAsRead(w.kind, w.id, g, err) || g.foreign || !g.webId.empty()) return false;
    if (w.what == engine::Write::Remove) return true;
    std::set<std::string> had;
    for (const auto& [part, tid] : g.parts) had.insert(part);
    std::set<std::string> keys(g.itemKeys.begin(), g.itemKeys.end());
    return had == partsOf(*w.body) && keys == itemKeysOf(*w.body) && itemsAsWanted(*w.body, false);
  }

  // The body's triggers as trigger.create/update take them, their dependencies resolved
  // through `g` (part -> triggerid); `ids` says whether each carries its triggerid.
  static Json triggerCalls(const Json& body, const Group& g, bool ids) {
    Json calls = Json::array();
    for (const auto& t : body.value("triggers", Json::array())) {
      Json p = triggerParams(t), deps = Json::array();
      for (const auto& d : t.value("dependencies", Json::array()))
        if (auto it = g.parts.find(text(d)); it != g.parts.end()) deps.push_back({{"triggerid", it->second}});
      p["dependencies"] = deps;
      if (ids) p["triggerid"] = g.parts.at(tagValue(t["tags"], kPartTag));
      calls.push_back(std::move(p));
    }
    return calls;
  }

  bool updateBatch(const std::vector<engine::Write>& writes, const std::vector<size_t>& batch, std::vector<OpResult>& out) {
    Json calls = Json::array(), r;
    std::string err;
    for (size_t i : batch) {
      Group g;
      if (!groupAsRead(writes[i].kind, writes[i].id, g, err)) return false;
      for (auto& c : triggerCalls(*writes[i].body, g, true)) calls.push_back(std::move(c));
    }
    if (!api_->call("trigger.update", calls, r, err)) return false;
    for (size_t i : batch) out[i] = OpResult{true, writes[i].id, "", 1, false};
    return true;
  }

  bool removeBatch(const std::vector<engine::Write>& writes, const std::vector<size_t>& batch, std::vector<OpResult>& out) {
    Json ids = Json::array(), r;
    std::vector<std::string> keys;
    std::string err;
    for (size_t i : batch) {
      Group g;
      if (!groupAsRead(writes[i].kind, writes[i].id, g, err)) return false;
      for (const auto& [part, tid] : g.parts) ids.push_back(tid);
      keys.insert(keys.end(), g.itemKeys.begin(), g.itemKeys.end());
    }
    if (!ids.empty() && !api_->call("trigger.delete", ids, r, err)) return false;
    // The triggers are gone: an error now is every monitor's (the items they read are shared).
    bool ok = dropUnusedItems(keys, err);
    for (size_t i : batch) out[i] = OpResult{ok, writes[i].id, ok ? "" : err, 1, false};
    return true;
  }

  bool createBatch(const std::vector<engine::Write>& writes, const std::vector<size_t>& batch, std::vector<OpResult>& out) {
    std::string err;
    Json r, newItems = Json::array();
    std::set<std::string> seen;
    {
      std::lock_guard<std::mutex> l(mu_);
      for (size_t i : batch)
        for (const auto& want : writes[i].body->value("items", Json::array())) {
          std::string key = text(want.value("key_", Json("")));
          if (items_.count(key) || !seen.insert(key).second) continue;
          Json p = itemParams(want);
          p["hostid"] = templateId_;
          newItems.push_back(std::move(p));
        }
    }
    if (!newItems.empty()) {
      if (!api_->call("item.create", newItems, r, err)) return false;
      std::lock_guard<std::mutex> l(mu_);
      for (size_t k = 0; k < newItems.size() && k < r["itemids"].size(); ++k) {
        Json have = newItems[k];
        have["itemid"] = text(r["itemids"][k]);
        items_[text(have["key_"])] = have;
      }
    }
    // Two rounds: the triggers nothing waits for, then those depending on them (the warning
    // on the critical one). Deeper chains are not batched.
    std::vector<Group> groups(batch.size());
    for (int round = 0; round < 2; ++round) {
      Json calls = Json::array();
      std::vector<std::pair<size_t, std::string>> made;  // (place in batch, part)
      for (size_t b = 0; b < batch.size(); ++b)
        for (const auto& t : writes[batch[b]].body->value("triggers", Json::array())) {
          bool depends = !t.value("dependencies", Json::array()).empty();
          if (depends != (round == 1)) continue;
          for (const auto& d : t.value("dependencies", Json::array()))
            if (!groups[b].parts.count(text(d))) return false;
          Json p = triggerParams(t), deps = Json::array();
          for (const auto& d : t.value("dependencies", Json::array())) deps.push_back({{"triggerid", groups[b].parts[text(d)]}});
          p["dependencies"] = deps;
          calls.push_back(std::move(p));
          made.emplace_back(b, tagValue(t["tags"], kPartTag));
        }
      if (calls.empty()) continue;
      if (!api_->call("trigger.create", calls, r, err)) {
        if (round == 0) return false;
        // The first round's triggers exist: the monitors are reported failed, and a new plan
        // finds their parts and completes them.
        for (size_t b = 0; b < batch.size(); ++b) out[batch[b]] = OpResult{false, firstId(groups[b]), err, 1, false};
        return true;
      }
      for (size_t k = 0; k < made.size() && k < r["triggerids"].size(); ++k) groups[made[k].first].parts[made[k].second] = text(r["triggerids"][k]);
    }
    for (size_t b = 0; b < batch.size(); ++b) out[batch[b]] = OpResult{true, firstId(groups[b]), "", 1, false};
    return true;
  }

  // Finds an item widget's item on its host (the template's items are on every linked host).
  ItemResolver itemIdOf() {
    return [this](const std::string& host, const std::string& key, std::string& id, std::string& err) {
      Json r;
      if (!api_->call("item.get", {{"output", {"itemid"}}, {"host", host}, {"filter", {{"key_", key}}}, {"webitems", true}}, r, err))
        return false;
      if (!r.is_array() || r.empty()) return (err = "item '" + key + "' does not exist on host '" + host + "'", false);
      id = text(r[0]["itemid"]);
      return true;
    };
  }
  Json remoteTrigger(const Json& t, const std::map<std::string, std::string>& partOf) const {
    Json out = Json::object();
    for (const auto& [f, d] : kTriggerFields) out[f] = t.contains(f) ? t[f] : Json(d);
    out["tags"] = t.value("tags", Json::array());
    Json deps = Json::array();
    for (const auto& d : t.value("dependencies", Json::array())) {
      std::string id = text(d.value("triggerid", Json("")));
      auto it = partOf.find(id);
      deps.push_back(it != partOf.end() ? it->second : "trigger " + id);
    }
    out["dependencies"] = deps;
    return out;
  }
  static Json remoteItem(const Json& it) {
    Json out = Json::object();
    for (const char* f : kItemFields) out[f] = it.value(f, Json(""));
    out["tags"] = it.value("tags", Json::array());
    return out;
  }
  static std::string firstId(const Group& g) {
    std::string best;
    for (const auto& [p, id] : g.parts)
      if (best.empty() || idNum(id) < idNum(best)) best = id;
    return best;
  }

  // The owned template, created (and linked to the target's hosts) on the first write.
  bool ensureTemplate(std::string& err) {
    std::lock_guard<std::mutex> lock(templateMu_);
    if (templateReady_) return true;
    Json r;
    if (templateId_.empty()) {
      if (!api_->call("template.get", {{"output", {"templateid"}}, {"filter", {{"host", {s_.templateHost}}}}, {"selectTags", {"tag", "value"}}}, r, err))
        return false;
      if (r.is_array() && !r.empty()) {
        templateId_ = text(r[0]["templateid"]);
        templateOwned_ = ownedTags(r[0].value("tags", Json::array()));
      }
    }
    if (!templateId_.empty() && !templateOwned_)
      return (err = "template '" + s_.templateHost + "' exists and is not owned by monitorc (no tag " + kOwnerTag + "=" +
                    kOwnerValue + "); name another with 'template_name'", false);
    if (templateId_.empty()) {
      std::string gid;
      if (!groupIds({s_.templateGroup}, r, err)) return false;
      if (r.empty()) return (err = "host group '" + s_.templateGroup + "' (template_group) does not exist", false);
      Json params = {{"host", s_.templateHost}, {"name", s_.templateHost}, {"groups", Json::array({{{"groupid", r[0]}}})},
                     {"tags", Json::array({{{"tag", kOwnerTag}, {"value", kOwnerValue}}})}};
      if (!api_->call("template.create", params, r, err)) return false;
      templateId_ = text(r["templateids"][0]);
      templateOwned_ = true;
    }
    if (!link(err)) return false;
    templateReady_ = true;
    return true;
  }

  bool groupIds(const std::vector<std::string>& names, Json& ids, std::string& err) {
    Json r;
    ids = Json::array();
    if (!api_->call("hostgroup.get", {{"output", {"groupid", "name"}}, {"filter", {{"name", names}}}}, r, err)) return false;
    for (const auto& g : r) ids.push_back(text(g["groupid"]));
    return true;
  }

  // Links the template to the named hosts and to every host of the named host groups.
  bool link(std::string& err) {
    if (s_.hosts.empty() && s_.hostGroups.empty()) return true;
    std::set<std::string> hostIds;
    Json r;
    if (!s_.hosts.empty()) {
      if (!api_->call("host.get", {{"output", {"hostid", "host"}}, {"filter", {{"host", s_.hosts}}}}, r, err)) return false;
      std::set<std::string> found;
      for (const auto& h : r) {
        hostIds.insert(text(h["hostid"]));
        found.insert(text(h["host"]));
      }
      for (const auto& h : s_.hosts)
        if (!found.count(h)) return (err = "host '" + h + "' (hosts) does not exist", false);
    }
    if (!s_.hostGroups.empty()) {
      Json gids;
      if (!groupIds(s_.hostGroups, gids, err)) return false;
      if (gids.size() != s_.hostGroups.size()) return (err = "a host group named in 'host_groups' does not exist", false);
      if (!api_->call("host.get", {{"output", {"hostid"}}, {"groupids", gids}}, r, err)) return false;
      for (const auto& h : r) hostIds.insert(text(h["hostid"]));
    }
    if (hostIds.empty()) return true;
    Json hosts = Json::array();
    for (const auto& id : hostIds) hosts.push_back({{"hostid", id}});
    // host.massadd adds the template to each host's links and keeps the others.
    return api_->call("host.massadd", {{"hosts", hosts}, {"templates", Json::array({{{"templateid", templateId_}}})}}, r, err);
  }

  std::shared_ptr<std::mutex> keyMutex(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& m = keyMu_[key];
    if (!m) m = std::make_shared<std::mutex>();
    return m;
  }

  // Every item the monitor reads exists on the template as the source says. Items are shared
  // by the monitors that read them; one that exists without the ownership tag is not taken.
  bool ensureItems(const Json& body, std::string& err) {
    for (const auto& want : body.value("items", Json::array())) {
      std::string key = text(want.value("key_", Json("")));
      auto km = keyMutex(key);
      std::lock_guard<std::mutex> lock(*km);
      Json have;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (auto it = items_.find(key); it != items_.end()) have = it->second;
      }
      Json r;
      if (have.is_null()) {
        Json p = itemParams(want);
        p["hostid"] = templateId_;
        if (!api_->call("item.create", p, r, err)) return false;
        have = p;
        have["itemid"] = text(r["itemids"][0]);
      } else {
        if (!ownedTags(have.value("tags", Json::array())))
          return (err = "item '" + key + "' on template '" + s_.templateHost + "' is not owned by monitorc", false);
        Json a = normalizeItem(remoteItem(have)), b = normalizeItem(want);
        if (a == b) continue;
        Json p = itemParams(want);
        p.erase("key_");
        p["itemid"] = text(have["itemid"]);
        if (!api_->call("item.update", p, r, err)) return false;
        std::string id = text(have["itemid"]);
        have = itemParams(want);
        have["itemid"] = id;
      }
      std::lock_guard<std::mutex> l(mu_);
      items_[key] = have;
    }
    return true;
  }

  // Creates or updates the body's triggers into group `g` (part -> triggerid): the parts
  // another part depends on first, so that dependencies name existing triggers.
  bool writeTriggers(const Json& body, Group& g, std::string& err) {
    std::vector<Json> todo;
    for (const auto& t : body.value("triggers", Json::array())) todo.push_back(t);
    std::set<std::string> written;
    while (!todo.empty()) {
      Json creates = Json::array();
      std::vector<std::string> createParts;
      std::vector<Json> later;
      for (auto& t : todo) {
        bool ready = true;
        Json deps = Json::array();
        for (const auto& d : t.value("dependencies", Json::array())) {
          std::string part = text(d);
          if (!written.count(part) && std::any_of(todo.begin(), todo.end(), [&](const Json& o) { return tagValue(o["tags"], kPartTag) == part; })) {
            ready = false;
            break;
          }
          if (auto it = g.parts.find(part); it != g.parts.end()) deps.push_back({{"triggerid", it->second}});
        }
        if (!ready) {
          later.push_back(t);
          continue;
        }
        std::string part = tagValue(t["tags"], kPartTag);
        Json p = triggerParams(t);
        p["dependencies"] = deps;
        Json r;
        if (auto it = g.parts.find(part); it != g.parts.end()) {
          p["triggerid"] = it->second;
          if (!api_->call("trigger.update", p, r, err)) return false;
          written.insert(part);
        } else {
          creates.push_back(std::move(p));
          createParts.push_back(part);
        }
      }
      if (!creates.empty()) {
        Json r;
        if (!api_->call("trigger.create", creates, r, err)) return false;
        for (size_t i = 0; i < createParts.size() && i < r["triggerids"].size(); ++i) {
          g.parts[createParts[i]] = text(r["triggerids"][i]);
          written.insert(createParts[i]);
        }
      }
      if (later.size() == todo.size()) return (err = "the triggers' dependencies form a cycle", false);
      todo = std::move(later);
    }
    return true;
  }

  // The body's web scenario on the template: created, or updated when it differs from what
  // was read. Steps keep their ids (matched by name): a step sent without one is a new step,
  // and the old one's items and the triggers reading them would be deleted.
  bool writeWeb(const Json& body, Group& g, std::string& err) {
    if (!body.contains("web")) return true;
    const Json& want = body["web"];
    Json r;
    if (g.webId.empty()) {
      Json p = want;
      p["hostid"] = templateId_;
      if (!api_->call("httptest.create", p, r, err)) return false;
      g.webId = text(r["httptestids"][0]);
      return true;
    }
    if (normalizeWeb(g.web) == normalizeWeb(want)) return true;
    Json p = want;
    p["httptestid"] = g.webId;
    for (auto& step : p["steps"])
      for (const auto& had : g.web.value("steps", Json::array()))
        if (text(had.value("name", Json(""))) == text(step.value("name", Json("")))) step["httpstepid"] = text(had["httpstepid"]);
    return api_->call("httptest.update", p, r, err);
  }

  // Deletes the owned items among `keys` that no trigger reads any more.
  bool dropUnusedItems(const std::vector<std::string>& keys, std::string& err) {
    if (keys.empty()) return true;
    Json r;
    if (!api_->call("item.get", {{"output", {"itemid", "key_"}}, {"templateids", {templateId_}}, {"filter", {{"key_", keys}}},
                                 {"selectTriggers", "count"}, {"selectTags", {"tag", "value"}}},
                    r, err))
      return false;
    Json ids = Json::array();
    for (const auto& it : r)
      if (text(it.value("triggers", Json("0"))) == "0" && ownedTags(it.value("tags", Json::array()))) ids.push_back(text(it["itemid"]));
    if (ids.empty()) return true;
    Json res;
    if (!api_->call("item.delete", ids, res, err)) return false;
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& it : r)
      if (std::find(ids.begin(), ids.end(), Json(text(it["itemid"]))) != ids.end()) items_.erase(text(it["key_"]));
    return true;
  }

 public:
  static Json normalizeItem(const Json& it) {
    Json out = Json::object();
    for (const char* f : kItemFields) out[f] = text(it.value(f, Json("")));
    out["tags"] = sortedTags(it.value("tags", Json::array()));
    return out;
  }

 private:
  std::shared_ptr<Api> api_;
  TargetSettings s_;
  std::mutex mu_, templateMu_;
  std::string templateId_;
  bool templateOwned_ = false, templateReady_ = false;
  std::map<std::string, Group> groups_;
  std::map<std::string, Json> items_;  // key_ -> item as read or written
  std::set<std::string> foreignDashboards_;  // names of the dashboards monitorc does not own
  std::map<std::string, std::shared_ptr<std::mutex>> keyMu_;
};

}  // namespace

Json normalize(ObjKind kind, const Json& body) {
  if (kind == ObjKind::Dashboard) return normalizeDashboard(body);
  Json out = {{"name", body.value("name", Json(""))}};
  if (body.contains("web")) out["web"] = normalizeWeb(body["web"]);
  std::vector<Json> items, triggers;
  for (const auto& it : body.value("items", Json::array())) items.push_back(ZabbixRemote::normalizeItem(it));
  std::sort(items.begin(), items.end(), [](const Json& a, const Json& b) { return a["key_"] < b["key_"]; });
  for (const auto& t : body.value("triggers", Json::array())) {
    Json n = Json::object();
    for (const auto& [f, d] : kTriggerFields) n[f] = t.contains(f) ? text(t[f]) : std::string(d);
    n["tags"] = sortedTags(t.value("tags", Json::array()));
    std::vector<std::string> deps;
    for (const auto& d : t.value("dependencies", Json::array())) deps.push_back(text(d));
    std::sort(deps.begin(), deps.end());
    n["dependencies"] = deps;
    triggers.push_back(std::move(n));
  }
  std::sort(triggers.begin(), triggers.end(),
            [](const Json& a, const Json& b) { return tagValue(a["tags"], kPartTag) < tagValue(b["tags"], kPartTag); });
  out["items"] = items;
  out["triggers"] = triggers;
  return out;
}

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, TargetSettings s) {
  return std::make_unique<ZabbixRemote>(std::move(api), std::move(s));
}

}  // namespace mon::zabbix
