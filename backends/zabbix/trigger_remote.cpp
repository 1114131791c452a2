#include "zabbix/trigger_remote.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "ownership.h"
#include "zabbix/dashboards.h"
#include "zabbix/mapping.h"

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
    for (const auto& d : r) {
      Json body = dashboardFromApi(d, s_);
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
    for (const auto& mon : order) {
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
    return true;
  }

  OpResult create(ObjKind kind, const std::string&, const Json& body) override {
    OpResult r;
    if (kind == ObjKind::Dashboard) {
      Json res;
      if (std::lock_guard<std::mutex> lock(mu_); foreignDashboards_.count(body.value("name", "")))
        return (r.error = "dashboard '" + body.value("name", "") + "' exists and is not owned by monitorc (its page is not named '" +
                          ownedPageName(s_) + "')", r);
      if (!api_->call("dashboard.create", dashboardParams(body), res, r.error)) return r;
      r.id = text(res.value("dashboardids", Json::array({""}))[0]);
      r.ok = true;
      return r;
    }
    if (!ensureTemplate(r.error) || !ensureItems(body, r.error)) return r;
    Group g;
    if (!writeTriggers(body, g, r.error)) return r;
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
      Json p = dashboardParams(body), res;
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
    r.ok = true;
    return r;
  }

 private:
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
