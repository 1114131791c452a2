#include "mackerel/normalize.h"

#include <algorithm>
#include <cmath>

#include "ownership.h"

namespace mon::engine::mackerel {

namespace {

bool isDefaultFalseKey(const std::string& k) {
  return k == "isMute" || k == "skipCertificateVerification" || k == "followRedirect" || k == "isStacked" ||
         k == "enabledGraphImage" || k == "skipDefault";
}

// Recursively: numbers canonical, nulls / "" / [] / {} dropped from objects.
Json clean(const Json& v) {
  if (v.is_number()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return Json(static_cast<int64_t>(d));
    return Json(d);
  }
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& e : v) out.push_back(clean(e));
    return out;
  }
  if (!v.is_object()) return v;
  Json out = Json::object();
  for (auto it = v.begin(); it != v.end(); ++it) {
    Json c = clean(it.value());
    if (c.is_null() || (c.is_string() && c.get<std::string>().empty()) || (c.is_array() && c.empty()) ||
        (c.is_object() && c.empty()))
      continue;
    if (isDefaultFalseKey(it.key()) && c.is_boolean() && !c.get<bool>()) continue;
    out[it.key()] = std::move(c);
  }
  return out;
}

void fillDefault(Json& j, const char* key, Json v) {
  if (!j.contains(key) || j[key].is_null()) j[key] = std::move(v);
}

void normalizeScopeList(Json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_array()) return;
  for (auto& s : j[key])
    if (s.is_string()) s = normalizeScope(s.get<std::string>());
}

void stripServerFields(Json& j) {
  j.erase("id");
  j.erase("createdAt");
  j.erase("updatedAt");
}

void stripMemoMarker(Json& j) {
  if (j.contains("memo") && j["memo"].is_string()) j["memo"] = stripOwnerMarker(j["memo"].get<std::string>());
}

}  // namespace

std::string normalizeScope(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos || s.find(':', colon + 1) != std::string::npos) return s;
  auto trim = [](std::string x) {
    while (!x.empty() && x.front() == ' ') x.erase(0, 1);
    while (!x.empty() && x.back() == ' ') x.pop_back();
    return x;
  };
  return trim(s.substr(0, colon)) + ": " + trim(s.substr(colon + 1));
}

Json withServerDefaults(const Json& monitor) {
  Json j = monitor;
  std::string type = j.value("type", "");
  fillDefault(j, "isMute", false);
  if (type == "host" || type == "service" || type == "external") fillDefault(j, "maxCheckAttempts", 1);
  if (type == "anomalyDetection") fillDefault(j, "maxCheckAttempts", 3);
  if (type == "host" || type == "connectivity") {
    fillDefault(j, "scopes", Json::array());
    fillDefault(j, "excludeScopes", Json::array());
  }
  if (type == "connectivity") {
    fillDefault(j, "alertStatusOnGone", "CRITICAL");
    fillDefault(j, "name", "connectivity");
  }
  if (type == "external") {
    fillDefault(j, "method", "GET");
    fillDefault(j, "headers", Json::array());
  }
  normalizeScopeList(j, "scopes");
  normalizeScopeList(j, "excludeScopes");
  return j;
}

Json normalizeMonitor(const Json& m) {
  Json j = withServerDefaults(m);
  stripServerFields(j);
  stripMemoMarker(j);
  std::string type = j.value("type", "");
  if (type == "expression") fillDefault(j, "evaluateBackwardMinutes", 2);
  if (type == "query") fillDefault(j, "evaluateBackwardMinutes", 0);
  if (j.contains("dualstack") && j["dualstack"] == "ipv4") j.erase("dualstack");
  return clean(j);
}

Json normalizeDashboard(const Json& d) {
  Json j = d;
  stripServerFields(j);
  stripMemoMarker(j);
  if (j.contains("widgets") && j["widgets"].is_array()) {
    for (auto& w : j["widgets"]) {
      if (!w.is_object()) continue;
      if (w.contains("roleFullname") && w["roleFullname"].is_string())
        w["roleFullname"] = normalizeScope(w["roleFullname"].get<std::string>());
      if (w.contains("graph") && w["graph"].is_object() && w["graph"].contains("roleFullname") &&
          w["graph"]["roleFullname"].is_string())
        w["graph"]["roleFullname"] = normalizeScope(w["graph"]["roleFullname"].get<std::string>());
    }
  }
  return clean(j);
}

Json normalizeRouting(ObjKind kind, const Json& body) {
  Json j = clean(body);
  stripServerFields(j);
  j.erase("suspendedAt");
  stripMemoMarker(j);
  if (j.contains("memo") && j["memo"] == "") j.erase("memo");
  auto sortList = [&](const char* key, const char* by = nullptr) {
    if (!j.contains(key) || !j[key].is_array()) return;
    auto& a = j[key];
    std::stable_sort(a.begin(), a.end(), [&](const Json& x, const Json& y) {
      return by ? x.value(by, Json("")).dump() < y.value(by, Json("")).dump() : x.dump() < y.dump();
    });
  };
  if (kind == ObjKind::Channel) {
    // A secret compares by its fingerprint; the variable it comes from is the source's business.
    if (j.contains("url") && j["url"].is_object()) j["url"].erase("env");
    sortList("emails");
    sortList("userIds");
    sortList("events");
  } else if (kind == ObjKind::NotificationGroup) {
    fillDefault(j, "notificationLevel", "all");
    sortList("childChannelIds");
    sortList("childNotificationGroupIds");
    sortList("monitors", "id");
    sortList("services", "name");
  } else {
    for (const char* k : {"serviceScopes", "serviceExcludeScopes", "roleScopes", "roleExcludeScopes", "monitorScopes",
                          "monitorExcludeScopes"}) {
      normalizeScopeList(j, k);
      sortList(k);
    }
    if (j.contains("recurrence") && j["recurrence"].is_object() && j["recurrence"].contains("weekdays")) {
      static const char* days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
      auto rank = [](const Json& d) {
        for (int i = 0; i < 7; ++i)
          if (d == days[i]) return i;
        return 7;
      };
      auto& w = j["recurrence"]["weekdays"];
      std::stable_sort(w.begin(), w.end(), [&](const Json& a, const Json& b) { return rank(a) < rank(b); });
    }
  }
  return j;
}

Json normalize(ObjKind kind, const Json& body) {
  if (kind != ObjKind::Monitor && kind != ObjKind::Dashboard) return normalizeRouting(kind, body);
  return kind == ObjKind::Monitor ? normalizeMonitor(body) : normalizeDashboard(body);
}

}  // namespace mon::engine::mackerel
