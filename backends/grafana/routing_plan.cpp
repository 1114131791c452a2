// plan/apply of a Grafana target's routing (routing.h) through the alerting provisioning API:
// GET/POST/PUT/DELETE /api/v1/provisioning/contact-points, /mute-timings and /policies.
//
// Secrets. Grafana answers a contact point's secure settings as "[REDACTED]", so they cannot
// be compared: a secure setting counts as unchanged when Grafana holds one, and is sent with
// every create and update of its contact point. Plans hold it as {"secret": fingerprint,
// "env": VARIABLE} (the Mackerel routing's fingerprint), never the value; apply reads the
// variable again and refuses when it no longer has the planned value. A rotated secret alone
// is therefore not a change: docs/grafana-routing.md says how to send it.
#include <cstdlib>

#include "grafana/apply.h"
#include "grafana/routing.h"
#include "mackerel/routing_wire.h"
#include "net/http.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;
namespace mk = mon::engine::mackerel;

const std::string kCp = "/api/v1/provisioning/contact-points", kMt = "/api/v1/provisioning/mute-timings",
                  kPolicies = "/api/v1/provisioning/policies";

nlohmann::json unordered(const Json& j) { return nlohmann::json::parse(j.dump()); }
bool same(const Json& a, const Json& b) { return unordered(a) == unordered(b); }

const char* env(const Connection& c, const std::string& name) {
  return c.getenv ? c.getenv(name.c_str()) : std::getenv(name.c_str());
}

Json parsed(const OutputFiles& built, const std::string& path) {
  auto it = built.find(path);
  return it == built.end() ? Json(nullptr) : Json::parse(it->second, nullptr, false);
}

// A contact point as compared: its fields without what Grafana adds, secure settings as
// "[REDACTED]" on both sides (see above).
Json comparable(Json cp) {
  for (const char* k : {"provenance", kSecureKey}) cp.erase(k);
  if (!cp.contains("disableResolveMessage")) cp["disableResolveMessage"] = false;
  if (cp.contains("settings") && cp["settings"].is_object())
    for (auto& [k, v] : cp["settings"].items())
      if (plannedSecret(v)) v = "[REDACTED]";
  return cp;
}

Json withoutProvenance(Json j) {
  if (j.is_object()) {
    j.erase("provenance");
    j.erase("version");
  }
  return j;
}

const Json* byKey(const Json& list, const char* field, const std::string& key) {
  if (!list.is_array()) return nullptr;
  for (const auto& x : list)
    if (x.is_object() && x.value(field, "") == key) return &x;
  return nullptr;
}

std::vector<std::string> fieldDiff(const Json& have, const Json& want) {
  std::vector<std::string> out;
  for (const auto& op : nlohmann::json::diff(unordered(have), unordered(want))) out.push_back(op.value("op", "") + " " + op.value("path", ""));
  return out;
}

}  // namespace

bool plannedSecret(const Json& v) { return v.is_object() && v.contains("secret") && v.contains("env"); }

bool planRouting(const OutputFiles& built, const TargetSettings& t, const Connection& c, bool prune, Plan& plan,
                 std::string& err) {
  const std::string dir = routingDir(t.name);
  Json points = parsed(built, dir + "contact-points.json"), tree = parsed(built, dir + "policies.json"),
       timings = parsed(built, dir + "mute-timings.json");
  if (!points.is_array() || !tree.is_object() || !timings.is_array()) return true;  // no routing for this target
  Json remotePoints, remoteTimings, remoteTree;
  if (!getJson(c, kCp, remotePoints, err) || !getJson(c, kMt, remoteTimings, err) || !getJson(c, kPolicies, remoteTree, err))
    return false;
  if (!remotePoints.is_array()) return (err = "GET " + kCp + ": not a list", false);
  if (remoteTimings.is_null()) remoteTimings = Json::array();  // Grafana answers null for none
  if (!remoteTimings.is_array()) return (err = "GET " + kMt + ": not a list", false);
  if (!remoteTree.is_object()) return (err = "GET " + kPolicies + ": not a policy tree", false);
  plan.remoteContactPoints = Json::array();
  plan.remoteMuteTimings = Json::array();
  plan.remotePolicies = remoteTree;
  for (const auto& cp : remotePoints)
    if (ownedContactPoint(cp)) plan.remoteContactPoints.push_back(cp);
  for (const auto& mt : remoteTimings)
    if (mt.is_object() && ownedMuteTiming(mt.value("name", ""))) plan.remoteMuteTimings.push_back(mt);

  std::vector<Change> deletes;
  // Mute timings first: the tree names them.
  for (const auto& mt : timings) {
    const std::string name = mt.value("name", "");
    const Json* have = byKey(remoteTimings, "name", name);
    if (!have) plan.changes.push_back({Change::CreateMuteTiming, name, mt, 0, {}, nullptr});
    else if (!same(withoutProvenance(*have), mt))
      plan.changes.push_back({Change::UpdateMuteTiming, name, mt, 0, fieldDiff(withoutProvenance(*have), mt), *have});
  }
  for (const auto& mt : plan.remoteMuteTimings)
    if (!byKey(timings, "name", mt.value("name", "")) && prune)
      deletes.push_back({Change::DeleteMuteTiming, mt.value("name", ""), nullptr, 0, {"owned by monitorc, no longer in the source"}, mt});

  // Contact points: a secure setting's value comes from its variable, as a fingerprint.
  for (auto cp : points) {
    const std::string uid = cp.value("uid", ""), name = cp.value("name", "");
    if (cp.contains(kSecureKey)) {
      for (const auto& [field, var] : cp[kSecureKey].items()) {
        const char* v = env(c, var.get<std::string>());
        if (!v || !*v)
          return (err = "$" + var.get<std::string>() + " (the secret of channel '" + name + "') is not set", false);
        cp["settings"][field] = mk::plannedSecret(var.get<std::string>(), v);
      }
      cp.erase(kSecureKey);
    }
    for (const auto& r : remotePoints)
      if (r.is_object() && r.value("name", "") == name && !ownedContactPoint(r))
        return (err = "contact point '" + name + "' exists in Grafana (uid " + r.value("uid", "") +
                      ") and monitorc does not own it: a contact point of the same name would join it; rename the "
                      "channel or remove that contact point", false);
    const Json* have = byKey(remotePoints, "uid", uid);
    if (!have) {
      plan.changes.push_back({Change::CreateContactPoint, uid, cp, 0, {"+ " + name}, nullptr});
      continue;
    }
    // A secure setting Grafana does not hold at all is a change ("add /settings/url").
    std::vector<std::string> details = fieldDiff(comparable(*have), comparable(cp));
    if (!details.empty()) plan.changes.push_back({Change::UpdateContactPoint, uid, cp, 0, details, *have});
  }
  for (const auto& r : plan.remoteContactPoints)
    if (!byKey(points, "uid", r.value("uid", "")) && prune)
      deletes.push_back({Change::DeleteContactPoint, r.value("uid", ""), nullptr, 0, {"owned by monitorc, no longer in the source"}, r});

  // The tree: a singleton, replaced only when monitorc may.
  if (!same(withoutProvenance(remoteTree), tree)) {
    bool defaultTree = !remoteTree.contains("routes") || !remoteTree["routes"].is_array() || remoteTree["routes"].empty();
    if (!ownedTree(remoteTree) && !defaultTree && !t.takeOver)
      return (err = "the notification policy tree was not written by monitorc (it has " +
                    std::to_string(remoteTree["routes"].size()) +
                    " child policies); import it ('monitorc import grafana', docs/grafana-routing.md) or set "
                    "take_over = true on the target to replace it", false);
    std::vector<std::string> details = fieldDiff(withoutProvenance(remoteTree), tree);
    if (details.size() > 8) details.resize(8), details.push_back("...");
    if (!ownedTree(remoteTree) && !defaultTree) details.insert(details.begin(), "take_over: replaces a tree monitorc did not write");
    plan.changes.push_back({Change::PutPolicies, "policies", tree, 0, details, remoteTree});
  }
  // Deletes after the tree no longer names them: contact points, then mute timings.
  std::stable_sort(deletes.begin(), deletes.end(), [](const Change& a, const Change& b) { return a.action < b.action; });
  for (auto& d : deletes) plan.changes.push_back(std::move(d));
  return true;
}

bool applyRouting(const Change& ch, const Connection& c, std::string& what, std::string& err) {
  auto send = [&](const std::string& method, const std::string& path, const Json& body) {
    std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer " + c.token},
                                                          {"Content-Type", "application/json"},
                                                          {"Accept", "application/json"},
                                                          {"X-Disable-Provenance", "true"}};
    return c.http->send(net::Request{method, c.url + path, h, body.is_null() ? "" : body.dump()});
  };
  Json body = ch.body;
  if (ch.action == Change::CreateContactPoint || ch.action == Change::UpdateContactPoint) {
    for (auto& [field, v] : body["settings"].items()) {
      if (!plannedSecret(v)) continue;
      const std::string var = v.value("env", "");
      const char* value = env(c, var);
      if (!value || !*value) return (err = "$" + var + " (a secret of contact point '" + body.value("name", "") + "') is not set", false);
      if (mk::secretFingerprint(value) != v.value("secret", ""))
        return (err = "$" + var + " no longer holds the value the plan was made with; plan again", false);
      v = value;
    }
  }
  net::Response r;
  switch (ch.action) {
    case Change::CreateMuteTiming: what = "create mute timing " + ch.key; r = send("POST", kMt, body); break;
    case Change::UpdateMuteTiming: what = "update mute timing " + ch.key; r = send("PUT", kMt + "/" + pathSegment(ch.key), body); break;
    case Change::DeleteMuteTiming: what = "delete mute timing " + ch.key; r = send("DELETE", kMt + "/" + pathSegment(ch.key), nullptr); break;
    case Change::CreateContactPoint: what = "create contact point " + ch.key; r = send("POST", kCp, body); break;
    case Change::UpdateContactPoint: what = "update contact point " + ch.key; r = send("PUT", kCp + "/" + pathSegment(ch.key), body); break;
    case Change::DeleteContactPoint: what = "delete contact point " + ch.key; r = send("DELETE", kCp + "/" + pathSegment(ch.key), nullptr); break;
    case Change::PutPolicies: what = "put notification policy tree"; r = send("PUT", kPolicies, body); break;
    default: return (err = "not a routing change", false);
  }
  if (r.httpStatus() >= 200 && r.httpStatus() < 300) return true;
  if (!r.httpStatus()) return (err = r.transport.empty() ? "no answer" : r.transport, false);
  Json j = Json::parse(r.body, nullptr, false);
  std::string msg = j.is_object() && j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>() : r.body;
  err = "HTTP " + std::to_string(r.status) + (msg.empty() ? "" : ": " + msg);
  if (r.httpStatus() == 409 && (ch.action == Change::DeleteContactPoint || ch.action == Change::DeleteMuteTiming))
    err += " (a notification policy still names it)";
  return false;
}

}  // namespace mon::grafana
