#include "newrelic/condition_remote.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "newrelic/dashboard_remote.h"
#include "newrelic/dashboards.h"
#include "newrelic/mapping.h"
#include "ownership.h"

namespace mon::newrelic {

const char* const kPoliciesQuery =
    "query($accountId: Int!, $criteria: AlertsPoliciesSearchCriteriaInput, $cursor: String) {\n"
    "  actor { account(id: $accountId) { alerts { policiesSearch(searchCriteria: $criteria, cursor: $cursor) {\n"
    "    nextCursor policies { id name incidentPreference } } } } }\n}";
const char* const kConditionsQuery =
    "query($accountId: Int!, $criteria: AlertsNrqlConditionsSearchCriteriaInput, $cursor: String) {\n"
    "  actor { account(id: $accountId) { alerts { nrqlConditionsSearch(searchCriteria: $criteria, cursor: $cursor) {\n"
    "    nextCursor nrqlConditions { id name type policyId enabled description runbookUrl titleTemplate\n"
    "      violationTimeLimitSeconds nrql { query }\n"
    "      terms { operator priority threshold thresholdDuration thresholdOccurrences }\n"
    "      signal { aggregationWindow aggregationMethod aggregationDelay aggregationTimer fillOption fillValue slideBy evaluationDelay }\n"
    "      expiration { expirationDuration openViolationOnExpiration closeViolationsOnExpiration ignoreOnExpectedTermination }\n"
    "      ... on AlertsNrqlBaselineCondition { baselineDirection } } } } } }\n}";
const char* const kPolicyCreate =
    "mutation($accountId: Int!, $policy: AlertsPolicyInput!) {\n"
    "  alertsPolicyCreate(accountId: $accountId, policy: $policy) { id name }\n}";
const char* const kStaticCreate =
    "mutation($accountId: Int!, $policyId: ID!, $condition: AlertsNrqlConditionStaticInput!) {\n"
    "  alertsNrqlConditionStaticCreate(accountId: $accountId, policyId: $policyId, condition: $condition) { id name }\n}";
const char* const kStaticUpdate =
    "mutation($accountId: Int!, $id: ID!, $condition: AlertsNrqlConditionUpdateStaticInput!) {\n"
    "  alertsNrqlConditionStaticUpdate(accountId: $accountId, id: $id, condition: $condition) { id name }\n}";
const char* const kBaselineCreate =
    "mutation($accountId: Int!, $policyId: ID!, $condition: AlertsNrqlConditionBaselineInput!) {\n"
    "  alertsNrqlConditionBaselineCreate(accountId: $accountId, policyId: $policyId, condition: $condition) { id name }\n}";
const char* const kBaselineUpdate =
    "mutation($accountId: Int!, $id: ID!, $condition: AlertsNrqlConditionUpdateBaselineInput!) {\n"
    "  alertsNrqlConditionBaselineUpdate(accountId: $accountId, id: $id, condition: $condition) { id name }\n}";
const char* const kConditionDelete =
    "mutation($accountId: Int!, $id: ID!) {\n  alertsConditionDelete(accountId: $accountId, id: $id) { id }\n}";

namespace {

using engine::ObjKind;
using engine::OpResult;
using engine::RemoteState;

Json number(const Json& v) {
  if (!v.is_number()) return v;
  double d = v.get<double>();
  if (std::floor(d) == d && std::fabs(d) < 1e15) return static_cast<long long>(d);
  return d;
}

// The members of `o` that are set (not null), numbers as numbers.
Json present(const Json& o) {
  Json out = Json::object();
  if (o.is_object())
    for (auto it = o.begin(); it != o.end(); ++it)
      if (!it.value().is_null()) out[it.key()] = number(it.value());
  return out;
}

// The members of `o` named in `keys` that are set, in that order: the diff compares objects
// member by member in order, and the service answers in an order of its own.
Json ordered(const Json& o, std::initializer_list<const char*> keys) {
  Json out = Json::object();
  for (const char* k : keys)
    if (o.is_object() && o.contains(k) && !o[k].is_null()) out[k] = number(o[k]);
  return out;
}

Json canonical(const std::string& type, const Json& c) {
  Json out = Json::object();
  out["name"] = c.value("name", Json(""));
  out["enabled"] = c.value("enabled", Json(true));
  // Without the ownership marker: ownership is the engine's to compare (an adopted condition
  // gains it), not a field of the condition.
  out["description"] = engine::stripOwnerMarker(c.contains("description") && c["description"].is_string() ? c["description"].get<std::string>() : "");
  for (const char* k : {"runbookUrl", "titleTemplate"})
    if (c.contains(k) && c[k].is_string() && !c[k].get<std::string>().empty()) out[k] = c[k];
  out["nrql"] = {{"query", c.contains("nrql") && c["nrql"].is_object() ? c["nrql"].value("query", Json("")) : Json("")}};
  Json terms = Json::array();
  if (c.contains("terms") && c["terms"].is_array())
    for (const auto& t : c["terms"])
      terms.push_back(ordered(t, {"operator", "priority", "threshold", "thresholdDuration", "thresholdOccurrences"}));
  std::stable_sort(terms.begin(), terms.end(), [](const Json& a, const Json& b) {
    return (a.value("priority", "") == "CRITICAL") > (b.value("priority", "") == "CRITICAL");
  });
  out["terms"] = terms;
  Json sig = present(c.value("signal", Json::object()));
  if (!sig.contains("aggregationWindow")) sig["aggregationWindow"] = 60;
  if (!sig.contains("aggregationMethod")) sig["aggregationMethod"] = "EVENT_FLOW";
  if (sig["aggregationMethod"] != "EVENT_TIMER" && !sig.contains("aggregationDelay")) sig["aggregationDelay"] = 120;
  if (!sig.contains("fillOption")) sig["fillOption"] = "NONE";
  out["signal"] = ordered(sig, {"aggregationWindow", "aggregationMethod", "aggregationDelay", "aggregationTimer", "fillOption",
                                "fillValue", "slideBy", "evaluationDelay"});
  Json exp = present(c.value("expiration", Json::object()));
  for (const char* k : {"openViolationOnExpiration", "closeViolationsOnExpiration", "ignoreOnExpectedTermination"})
    if (!exp.contains(k)) exp[k] = false;
  out["expiration"] = ordered(exp, {"expirationDuration", "openViolationOnExpiration", "closeViolationsOnExpiration",
                                    "ignoreOnExpectedTermination"});
  out["violationTimeLimitSeconds"] = number(c.value("violationTimeLimitSeconds", Json(259200)));
  if (type == "BASELINE") out["baselineDirection"] = c.value("baselineDirection", Json(""));
  return out;
}

// An update input that also clears what the source no longer sets: NerdGraph's updates keep
// every field they are not given, so a field left out stays as it was unless it is sent as null.
Json withClears(Json input) {
  for (const char* k : {"runbookUrl", "titleTemplate"})
    if (!input.contains(k)) input[k] = nullptr;
  Json& sig = input["signal"];
  if (!sig.is_object()) sig = Json::object();
  for (const char* k : {"aggregationDelay", "aggregationTimer", "fillValue", "slideBy", "evaluationDelay"})
    if (!sig.contains(k)) sig[k] = nullptr;
  Json& exp = input["expiration"];
  if (!exp.is_object()) exp = Json::object();
  if (!exp.contains("expirationDuration")) exp["expirationDuration"] = nullptr;
  return input;
}

struct Known {
  std::string type;
  std::string name;
};

class ConditionRemote : public engine::Remote {
 public:
  ConditionRemote(std::shared_ptr<Api> api, int64_t account, std::string policy, std::string target)
      : api_(api), account_(account), policy_(std::move(policy)), target_(std::move(target)), dashboards_(api, account) {}

  std::string describe() const override {
    return "newrelic \"" + target_ + "\" (" + api_->url() + ", account " + std::to_string(account_) + ", policy \"" + policy_ + "\")";
  }

  bool fetch(RemoteState& out, std::string& err) override {
    std::string policyId;
    if (!findPolicy(policyId, err)) return false;
    std::map<std::string, Known> known;
    if (!policyId.empty()) {
      std::string cursor;
      do {
        Json vars = {{"accountId", account_}, {"criteria", {{"policyId", policyId}}}, {"cursor", cursor.empty() ? Json() : Json(cursor)}};
        Json data;
        if (!api_->call("nrqlConditionsSearch", kConditionsQuery, vars, data, err)) return false;
        const Json* page = at(data, {"actor", "account", "alerts", "nrqlConditionsSearch"});
        if (!page) return (err = "nrqlConditionsSearch: no result in the answer", false);
        cursor = page->contains("nextCursor") && (*page)["nextCursor"].is_string() ? (*page)["nextCursor"].get<std::string>() : "";
        for (const auto& c : page->value("nrqlConditions", Json::array())) {
          if (!c.is_object()) continue;
          std::string id = c.contains("id") && c["id"].is_string() ? c["id"].get<std::string>() : c.value("id", Json("")).dump();
          std::string type = c.value("type", "STATIC");
          Json input = conditionInput(c);
          std::string name = input.value("name", "");
          known[id] = {type, name};
          Json body = {{"name", name}, {"type", "nrql"}, {"conditionType", type}, {"condition", input}};
          if (engine::hasOwnerMarker(input.value("description", ""))) body["memo"] = std::string(engine::kOwnerMarker);
          out.monitors.push_back({ObjKind::Monitor, id, std::move(body)});
        }
      } while (!cursor.empty());
    }
    if (!dashboards_.fetch(out.dashboards, err)) return false;
    std::lock_guard<std::mutex> lock(mu_);
    policyId_ = policyId;
    known_ = std::move(known);
    return true;
  }

  OpResult create(ObjKind kind, const std::string& key, const Json& body) override {
    OpResult r;
    if (kind == ObjKind::Dashboard) return dashboards_.create(key, body);
    std::string policyId;
    if (!ensurePolicy(policyId, r.error)) return r;
    std::string type = body.value("conditionType", "STATIC");
    Json input = body.value("condition", Json::object());
    std::string mutation = type == "BASELINE" ? "alertsNrqlConditionBaselineCreate" : "alertsNrqlConditionStaticCreate";
    Json vars = {{"accountId", account_}, {"policyId", policyId}, {"condition", input}};
    net::Retrier retrier(api_->retry());
    for (;;) {
      Attempt a = api_->post(type == "BASELINE" ? kBaselineCreate : kStaticCreate, vars);
      if (a.ok) {
        const Json* made = at(a.data, {mutation.c_str()});
        if (!made || !made->contains("id")) return (r.error = mutation + ": no id in the answer", r);
        r.id = (*made)["id"].is_string() ? (*made)["id"].get<std::string>() : (*made)["id"].dump();
        remember(r.id, type, key);
        r.ok = true;
        return r;
      }
      // A create the server may have carried out (a 5xx, a lost answer) is looked for by its
      // name before it is sent again; a rate-limited one was not carried out.
      if (a.verdict.status != 429 && net::retryable(a.verdict)) {
        std::string id, why;
        if (findByName(policyId, key, id, why) && !id.empty()) {
          remember(id, type, key);
          r.id = id, r.ok = true, r.recovered = true;
          return r;
        }
      }
      if (!retrier.again(a.verdict)) {
        r.error = mutation + ": " + a.why;
        if (retrier.attempts() > 1) r.error += " (after " + std::to_string(retrier.attempts()) + " attempts)";
        r.attempts = retrier.attempts();
        return r;
      }
    }
  }

  OpResult update(ObjKind kind, const std::string& id, const Json& body) override {
    if (kind == ObjKind::Dashboard) return dashboards_.update(id, body);
    OpResult r;
    r.id = id;
    Known k;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = known_.find(id);
      if (kind != ObjKind::Monitor || it == known_.end()) return (r.error = "condition " + id + " is not in the policy as last read", r);
      k = it->second;
    }
    std::string type = body.value("conditionType", "STATIC");
    if (type != k.type) {
      // A condition keeps its type: a static one that becomes a baseline (or back) is made
      // anew under the same name, then the old one goes.
      std::string oldName = k.name;
      OpResult made = create(kind, body.value("name", oldName), body);
      if (!made.ok) return made;
      OpResult gone = remove(kind, id);
      if (!gone.ok) return (gone.id = made.id, gone);
      return made;
    }
    Json data;
    bool baseline = type == "BASELINE";
    Json vars = {{"accountId", account_}, {"id", id}, {"condition", withClears(body.value("condition", Json::object()))}};
    if (!api_->call(baseline ? "alertsNrqlConditionBaselineUpdate" : "alertsNrqlConditionStaticUpdate",
                    baseline ? kBaselineUpdate : kStaticUpdate, vars, data, r.error))
      return r;
    remember(id, type, body.value("name", k.name));
    r.ok = true;
    return r;
  }

  OpResult remove(ObjKind kind, const std::string& id) override {
    OpResult r;
    r.id = id;
    if (kind == ObjKind::Dashboard) return dashboards_.remove(id);
    Json data;
    if (!api_->call("alertsConditionDelete", kConditionDelete, {{"accountId", account_}, {"id", id}}, data, r.error)) {
      // Already gone (a run that was stopped after its delete): nothing left to do.
      if (r.error.find("NOT_FOUND") == std::string::npos) return r;
      r.error.clear();
    }
    r.ok = true;
    return r;
  }

 private:
  static const Json* at(const Json& j, std::initializer_list<const char*> path) {
    const Json* cur = &j;
    for (const char* k : path) {
      if (!cur->is_object() || !cur->contains(k) || (*cur)[k].is_null()) return nullptr;
      cur = &(*cur)[k];
    }
    return cur;
  }

  void remember(const std::string& id, const std::string& type, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    known_[id] = {type, name};
  }

  // The id of the policy named exactly `policy_` ("" when there is none). Two of that name is
  // an error: monitorc cannot tell which one it owns.
  bool findPolicy(std::string& id, std::string& err) {
    id.clear();
    std::string cursor;
    int found = 0;
    do {
      Json vars = {{"accountId", account_}, {"criteria", {{"name", policy_}}}, {"cursor", cursor.empty() ? Json() : Json(cursor)}};
      Json data;
      if (!api_->call("policiesSearch", kPoliciesQuery, vars, data, err)) return false;
      const Json* page = at(data, {"actor", "account", "alerts", "policiesSearch"});
      if (!page) return (err = "policiesSearch: no result in the answer (is account " + std::to_string(account_) + " readable with this key?)", false);
      cursor = page->contains("nextCursor") && (*page)["nextCursor"].is_string() ? (*page)["nextCursor"].get<std::string>() : "";
      for (const auto& p : page->value("policies", Json::array()))
        if (p.is_object() && p.value("name", "") == policy_) {
          ++found;
          id = p["id"].is_string() ? p["id"].get<std::string>() : p.value("id", Json("")).dump();
        }
    } while (!cursor.empty());
    if (found > 1) return (err = "account " + std::to_string(account_) + " has " + std::to_string(found) + " policies named \"" + policy_ +
                                 "\"; monitorc owns one policy by its name (rename the others)", false);
    return true;
  }

  // The policy, made at the first write when the account has none of its name yet. One at a
  // time: parallel creates must not make two.
  bool ensurePolicy(std::string& id, std::string& err) {
    std::lock_guard<std::mutex> lock(policyMu_);
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!policyId_.empty()) return (id = policyId_, true);
    }
    if (!findPolicy(id, err)) return false;
    if (id.empty()) {
      Json data;
      Json vars = {{"accountId", account_}, {"policy", {{"name", policy_}, {"incidentPreference", "PER_CONDITION_AND_TARGET"}}}};
      if (!api_->call("alertsPolicyCreate", kPolicyCreate, vars, data, err)) return false;
      const Json* made = at(data, {"alertsPolicyCreate", "id"});
      if (!made) return (err = "alertsPolicyCreate: no id in the answer", false);
      id = made->is_string() ? made->get<std::string>() : made->dump();
    }
    std::lock_guard<std::mutex> l(mu_);
    policyId_ = id;
    return true;
  }

  bool findByName(const std::string& policyId, const std::string& name, std::string& id, std::string& err) {
    Json vars = {{"accountId", account_}, {"criteria", {{"policyId", policyId}, {"name", name}}}, {"cursor", Json()}};
    Json data;
    if (!api_->call("nrqlConditionsSearch", kConditionsQuery, vars, data, err)) return false;
    const Json* page = at(data, {"actor", "account", "alerts", "nrqlConditionsSearch"});
    if (page)
      for (const auto& c : page->value("nrqlConditions", Json::array()))
        if (c.is_object() && c.value("name", "") == name && engine::hasOwnerMarker(c.value("description", Json("")).is_string() ? c.value("description", "") : ""))
          id = c["id"].is_string() ? c["id"].get<std::string>() : c["id"].dump();
    return true;
  }

  std::shared_ptr<Api> api_;
  int64_t account_;
  std::string policy_, target_;
  std::mutex mu_, policyMu_;
  std::string policyId_;
  std::map<std::string, Known> known_;
  DashboardStore dashboards_;
};

}  // namespace

Json conditionInput(const Json& c) {
  Json in = Json::object();
  for (const char* k : {"name", "enabled", "description", "runbookUrl", "titleTemplate", "violationTimeLimitSeconds", "baselineDirection"})
    if (c.contains(k) && !c[k].is_null()) in[k] = number(c[k]);
  if (c.contains("nrql") && c["nrql"].is_object()) in["nrql"] = {{"query", c["nrql"].value("query", Json(""))}};
  Json terms = Json::array();
  for (const auto& t : c.value("terms", Json::array())) terms.push_back(present(t));
  in["terms"] = terms;
  if (c.contains("signal")) in["signal"] = present(c["signal"]);
  if (c.contains("expiration")) in["expiration"] = present(c["expiration"]);
  return in;
}

Json normalize(ObjKind kind, const Json& body) {
  if (kind == ObjKind::Dashboard)
    return {{"name", body.value("name", Json(""))}, {"dashboard", canonicalDashboard(body.value("dashboard", Json::object()))}};
  std::string type = body.value("conditionType", "STATIC");
  return {{"name", body.value("name", Json(""))}, {"conditionType", type}, {"condition", canonical(type, body.value("condition", Json::object()))}};
}

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, int64_t accountId, std::string policy, std::string targetName) {
  return std::make_unique<ConditionRemote>(std::move(api), accountId, std::move(policy), std::move(targetName));
}

}  // namespace mon::newrelic
