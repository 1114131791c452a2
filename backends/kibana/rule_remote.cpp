#include "kibana/rule_remote.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "kibana/dashboard_remote.h"
#include "kibana/rules.h"
#include "ownership.h"

namespace mon::kibana {

namespace {

using engine::ObjKind;
using engine::OpResult;
using engine::RemoteState;

bool owned(const Json& rule) {
  const Json& tags = rule.value("tags", Json::array());
  return tags.is_array() && std::find(tags.begin(), tags.end(), Json(kOwnerTag)) != tags.end();
}

Json number(const Json& v) {
  if (!v.is_number()) return v;
  double d = v.get<double>();
  if (std::floor(d) == d && std::fabs(d) < 1e15) return static_cast<long long>(d);
  return d;
}

Json action(const Json& a) {
  if (!a.is_object()) return a;
  Json f = a.value("frequency", Json::object());
  if (!f.is_object()) f = Json::object();
  return {{"group", a.value("group", Json(""))},
          {"id", a.value("id", Json(""))},
          {"params", a.value("params", Json::object())},
          {"frequency",
           {{"summary", f.value("summary", Json(false))},
            {"notify_when", f.value("notify_when", Json("onActionGroupChange"))},
            {"throttle", f.value("throttle", Json())}}}};
}

Json params(const Json& p) {
  if (!p.is_object()) return p;
  Json out = p;
  // The defaults of Kibana's es-query params schema, so that a rule read back with them filled
  // in is no change.
  if (!out.contains("searchType")) out["searchType"] = "esQuery";
  if (!out.contains("excludeHitsFromPreviousRun")) out["excludeHitsFromPreviousRun"] = true;
  if (!out.contains("aggType")) out["aggType"] = "count";
  if (!out.contains("groupBy")) out["groupBy"] = "all";
  for (const char* k : {"size", "timeWindowSize", "termSize"})
    if (out.contains(k)) out[k] = number(out[k]);
  if (out.contains("threshold") && out["threshold"].is_array())
    for (auto& v : out["threshold"]) v = number(v);
  if (out.contains("esQuery") && out["esQuery"].is_string()) {
    Json dsl = Json::parse(out["esQuery"].get<std::string>(), nullptr, false);
    if (!dsl.is_discarded()) out["esQuery"] = dsl.dump();
  }
  return out;
}

class RuleRemote : public engine::Remote {
 public:
  RuleRemote(std::shared_ptr<Api> api, std::string target, std::string space)
      : api_(std::move(api)), target_(std::move(target)), space_(std::move(space)), dashboards_(api_, space_) {}

  std::string describe() const override { return "kibana \"" + target_ + "\" (" + api_->base() + ")"; }

  bool fetch(RemoteState& out, std::string& err) override {
    std::map<std::string, Json> known;
    const int perPage = 100;
    for (int page = 1;; ++page) {
      ApiAnswer a = api_->call("GET", "/api/alerting/rules/_find?page=" + std::to_string(page) +
                                          "&per_page=" + std::to_string(perPage) + "&sort_field=name&sort_order=asc");
      if (!a.error.empty()) return (err = a.error, false);
      if (!a.body.is_object() || !a.body.contains("data") || !a.body["data"].is_array())
        return (err = "GET /api/alerting/rules/_find: the answer has no data list", false);
      for (const auto& r : a.body["data"]) {
        if (!r.is_object()) continue;
        std::string id = r.value("id", "");
        known[id] = r;
        Json body = {{"name", r.value("name", "")}, {"type", "rule"}, {"rule", createBodyOf(r)}};
        if (owned(r)) body["memo"] = std::string(engine::kOwnerMarker);
        out.monitors.push_back({ObjKind::Monitor, id, std::move(body)});
      }
      long long total = a.body.value("total", 0LL);
      if (a.body["data"].empty() || static_cast<long long>(page) * perPage >= total) break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      known_ = std::move(known);
    }
    return dashboards_.fetch(out.dashboards, err);
  }

  OpResult create(ObjKind kind, const std::string& key, const Json& body) override {
    OpResult r;
    if (kind == ObjKind::Dashboard) return dashboards_.create(body);
    Json rule = body.value("rule", Json::object());
    std::string id = ruleId(space_, rule.value("name", key));
    ApiAnswer a = api_->call("POST", "/api/alerting/rule/" + id, rule);
    if (a.status == 409) {
      // The id is taken: by this rule, created by a run whose answer was lost (owned, same
      // name: made current with an update), or by a rule that had this name before a rename
      // (then the new rule gets an id of Kibana's choosing).
      ApiAnswer g = api_->call("GET", "/api/alerting/rule/" + id);
      if (!g.error.empty()) return (r.error = g.error, r);
      if (owned(g.body) && g.body.value("name", "") == rule.value("name", "")) {
        remember(id, g.body);
        r = update(kind, id, body);
        r.recovered = true;
        return r;
      }
      a = api_->call("POST", "/api/alerting/rule", rule);
    }
    if (!a.error.empty()) return (r.error = a.error, r);
    r.id = a.body.is_object() ? a.body.value("id", id) : id;
    r.ok = true;
    return r;
  }

  OpResult update(ObjKind kind, const std::string& id, const Json& body) override {
    if (kind == ObjKind::Dashboard) return dashboards_.update(id, body);
    OpResult r;
    r.id = id;
    Json read;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = known_.find(id);
      if (kind != ObjKind::Monitor || it == known_.end()) return (r.error = "rule '" + id + "' is not on the target as last read", r);
      read = it->second;
    }
    Json rule = body.value("rule", Json::object());
    // The update API takes only these; a rule's type and consumer are fixed at its creation.
    if (read.value("rule_type_id", "") != rule.value("rule_type_id", "") || read.value("consumer", "") != rule.value("consumer", ""))
      return (r.error = "rule '" + read.value("name", id) + "' is of type '" + read.value("rule_type_id", "") + "' (consumer '" +
                        read.value("consumer", "") + "'), which an update cannot change: delete it in Kibana or rename the monitor",
              r);
    Json put = Json::object();
    for (const char* k : {"name", "tags", "schedule", "params", "actions"})
      if (rule.contains(k)) put[k] = rule[k];
    ApiAnswer a = api_->call("PUT", "/api/alerting/rule/" + id, put);
    if (!a.error.empty()) return (r.error = a.error, r);
    bool want = rule.value("enabled", true);
    if (read.value("enabled", true) != want) {
      ApiAnswer e = api_->call("POST", "/api/alerting/rule/" + id + (want ? "/_enable" : "/_disable"));
      if (!e.error.empty()) return (r.error = e.error, r);
    }
    r.ok = true;
    return r;
  }

  OpResult remove(ObjKind kind, const std::string& id) override {
    OpResult r;
    r.id = id;
    if (kind == ObjKind::Dashboard) return dashboards_.remove(id);
    ApiAnswer a = api_->call("DELETE", "/api/alerting/rule/" + id);
    // 404: already gone (a run stopped after its delete, or a retry after a lost answer).
    if (!a.error.empty() && a.status != 404) return (r.error = a.error, r);
    r.ok = true;
    return r;
  }

 private:
  void remember(const std::string& id, const Json& rule) {
    std::lock_guard<std::mutex> lock(mu_);
    known_[id] = rule;
  }

  std::shared_ptr<Api> api_;
  std::string target_, space_;
  DashboardStore dashboards_;
  std::mutex mu_;
  std::map<std::string, Json> known_;  // rule id -> the rule as read
};

}  // namespace

std::string ruleId(const std::string& space, const std::string& name) {
  std::string in = "monitorc\n" + space + "\n" + name;
  unsigned char h[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), h);
  h[6] = static_cast<unsigned char>((h[6] & 0x0f) | 0x40);  // version 4
  h[8] = static_cast<unsigned char>((h[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[h[i] >> 4];
    out += hex[h[i] & 15];
  }
  return out;
}

Json createBodyOf(const Json& r) {
  Json out = Json::object();
  for (const char* k : {"name", "rule_type_id", "consumer", "enabled", "schedule", "tags", "params", "actions"})
    if (r.contains(k)) out[k] = r[k];
  return out;
}

Json normalize(ObjKind kind, const Json& body) {
  if (kind == ObjKind::Dashboard) return normalizeDashboard(body);
  Json rule = body.value("rule", Json::object());
  Json out = Json::object();
  out["name"] = rule.value("name", Json(""));
  out["rule_type_id"] = rule.value("rule_type_id", Json(""));
  out["consumer"] = rule.value("consumer", Json(""));
  out["enabled"] = rule.value("enabled", Json(true));
  Json sched = rule.value("schedule", Json::object());
  out["schedule"] = {{"interval", sched.is_object() ? sched.value("interval", Json("")) : Json("")}};
  Json tags = rule.value("tags", Json::array());
  if (tags.is_array()) std::sort(tags.begin(), tags.end());
  out["tags"] = tags;
  out["params"] = params(rule.value("params", Json::object()));
  Json actions = Json::array();
  for (const auto& a : rule.value("actions", Json::array())) actions.push_back(action(a));
  out["actions"] = actions;
  return {{"name", body.value("name", Json(""))}, {"rule", out}};
}

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, std::string targetName, std::string space) {
  return std::make_unique<RuleRemote>(std::move(api), std::move(targetName), std::move(space));
}

}  // namespace mon::kibana
