#include "mackerel/routing_wire.h"

#include <openssl/sha.h>

#include <cstdio>

#include "ownership.h"

namespace mon::engine::mackerel {

namespace {

// An id the last read did not know stays visible as such, so it never equals a key.
std::string keyOf(const std::map<std::string, std::string>& names, const Json& id) {
  std::string s = id.is_string() ? id.get<std::string>() : id.dump();
  auto it = names.find(s);
  return it == names.end() ? "id:" + s : it->second;
}

void idsToKeys(Json& j, const char* field, const std::map<std::string, std::string>& names) {
  if (!j.contains(field) || !j[field].is_array()) return;
  for (auto& v : j[field]) v = keyOf(names, v);
}

bool keyToId(ObjKind kind, const Json& key, const IdOf& idOf, Json& out, std::string& err) {
  std::string k = key.is_string() ? key.get<std::string>() : key.dump();
  if (k.rfind("id:", 0) == 0) return (out = k.substr(3), true);
  std::string id = idOf(kind, k);
  if (id.empty()) return (err = std::string("no ") + kindName(kind) + " named '" + k + "' on the target", false);
  out = id;
  return true;
}

bool keysToIds(Json& j, const char* field, ObjKind kind, const IdOf& idOf, std::string& err) {
  if (!j.contains(field) || !j[field].is_array()) return true;
  for (auto& v : j[field])
    if (!keyToId(kind, v, idOf, v, err)) return false;
  return true;
}

void nameFromWire(Json& j) {
  bool owned = false;
  if (j.contains("name") && j["name"].is_string()) j["name"] = withoutNameMarker(j["name"].get<std::string>(), owned);
  if (owned) j["memo"] = std::string(kOwnerMarker);
}

void nameToWire(Json& j) {
  bool owned = j.contains("memo") && j["memo"].is_string() && hasOwnerMarker(j["memo"].get<std::string>());
  j.erase("memo");
  if (owned) j["name"] = j.value("name", "") + std::string(kNameMarker);
}

}  // namespace

std::string withoutNameMarker(const std::string& name, bool& owned) {
  owned = name.size() > kNameMarker.size() && name.compare(name.size() - kNameMarker.size(), kNameMarker.size(), kNameMarker) == 0;
  return owned ? name.substr(0, name.size() - kNameMarker.size()) : name;
}

// SHA-256 of the value: one-way, so a plan may show it; the secrets are long random URLs.
std::string secretFingerprint(const std::string& value) {
  unsigned char h[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(value.data()), value.size(), h);
  std::string out = "sha256:";
  char buf[3];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", h[i]);
    out += buf;
  }
  return out;
}

Json plannedSecret(const std::string& env, const std::string& value) {
  return {{"secret", secretFingerprint(value)}, {"env", env}};
}

Json fromWire(ObjKind kind, const Json& wire, const Names& names) {
  if (!wire.is_object()) return wire;
  Json j = wire;
  switch (kind) {
    case ObjKind::Channel:
      nameFromWire(j);
      if (j.value("type", "") == "slack" && j.contains("url") && j["url"].is_string())
        j["url"] = Json{{"secret", secretFingerprint(j["url"].get<std::string>())}};
      break;
    case ObjKind::NotificationGroup:
      nameFromWire(j);
      idsToKeys(j, "childChannelIds", names.channels);
      idsToKeys(j, "childNotificationGroupIds", names.groups);
      if (j.contains("monitors") && j["monitors"].is_array())
        for (auto& m : j["monitors"])
          if (m.is_object() && m.contains("id")) m["id"] = keyOf(names.monitors, m["id"]);
      break;
    case ObjKind::AlertGroupSetting:
    case ObjKind::Downtime:
      idsToKeys(j, "monitorScopes", names.monitors);
      idsToKeys(j, "monitorExcludeScopes", names.monitors);
      break;
    default: break;
  }
  return j;
}

bool toWire(ObjKind kind, const Json& planned, const IdOf& idOf, const SecretOf& secretOf, Json& out, std::string& err,
            std::vector<std::string>& secrets) {
  out = planned;
  out.erase("id");
  switch (kind) {
    case ObjKind::Channel:
      nameToWire(out);
      for (auto it = out.begin(); it != out.end(); ++it) {
        Json& v = it.value();
        if (!v.is_object() || !v.contains("secret")) continue;
        std::string env = v.value("env", "");
        if (env.empty()) return (err = "'" + it.key() + "' is a secret and the plan names no variable holding it", false);
        std::string value;
        if (!secretOf(env, value, err)) return false;
        if (secretFingerprint(value) != v.value("secret", ""))
          return (err = "$" + env + " no longer holds the value the plan was made with; plan again", false);
        secrets.push_back(value);
        v = value;
      }
      return true;
    case ObjKind::NotificationGroup:
      nameToWire(out);
      if (!keysToIds(out, "childChannelIds", ObjKind::Channel, idOf, err) ||
          !keysToIds(out, "childNotificationGroupIds", ObjKind::NotificationGroup, idOf, err))
        return false;
      if (out.contains("monitors") && out["monitors"].is_array())
        for (auto& m : out["monitors"])
          if (m.is_object() && m.contains("id") && !keyToId(ObjKind::Monitor, m["id"], idOf, m["id"], err)) return false;
      return true;
    case ObjKind::AlertGroupSetting:
    case ObjKind::Downtime:
      return keysToIds(out, "monitorScopes", ObjKind::Monitor, idOf, err) &&
             keysToIds(out, "monitorExcludeScopes", ObjKind::Monitor, idOf, err);
    default: return true;
  }
}

}  // namespace mon::engine::mackerel
