#pragma once
// Notification channels, notification groups and downtimes as the API holds them ("wire") and
// as plans compare them. Plans must not depend on what only the server knows, nor show a
// secret, so reading translates three things and writing translates them back:
// - Ownership. Downtimes have a memo and carry the marker line there, as monitors do. Channels
//   and groups have no free-text field, so the marker is a suffix of the name on the server
//   (" [monitorc]") and plans see the plain name plus a memo holding only the marker line,
//   which lets the engine judge ownership of every kind alike (ownership.h).
// - References. Groups name channels, other groups and monitors by id, downtimes monitors by
//   id. Plans name them by key (channel or group name, monitor name), so a plan made before
//   a channel exists compares equal once it does; writing looks the ids up.
// - Secrets. A Slack channel's URL is a secret. Reading replaces it with {"secret":
//   fingerprint}; the source's side is {"secret": fingerprint, "env": VARIABLE}. Plans show
//   that the fingerprint changed, never the value, and plan files hold only the variable's
//   name; writing reads the variable again and refuses when it no longer has the planned value.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "remote.h"

namespace mon::engine::mackerel {

inline constexpr std::string_view kNameMarker = " [monitorc]";

/// Keys of the objects others name, by id, from the last read.
struct Names {
  std::map<std::string, std::string> monitors;  // id -> monitor name
  std::map<std::string, std::string> channels;  // id -> channel name without the marker
  std::map<std::string, std::string> groups;    // id -> group name without the marker
};

/// The name without the marker, and whether it had one.
std::string withoutNameMarker(const std::string& name, bool& owned);
/// The fingerprint plans compare a secret by (never the value itself).
std::string secretFingerprint(const std::string& value);
/// The source's side of a secret.
Json plannedSecret(const std::string& env, const std::string& value);

/// A channel, group or downtime as read, as plans see it.
Json fromWire(ObjKind kind, const Json& wire, const Names& names);

/// The id of the object of `kind` with `key` ("" when none), for writing references.
using IdOf = std::function<std::string(ObjKind kind, const std::string& key)>;
/// The value of environment variable `env`; false with `err` when unset.
using SecretOf = std::function<bool(const std::string& env, std::string& value, std::string& err)>;

/// The body to send for a planned channel, group or downtime; false with `err` (never holding
/// a secret) when a reference or a secret cannot be resolved. `secrets` receives each secret
/// value sent, so that messages can be scrubbed of them.
bool toWire(ObjKind kind, const Json& planned, const IdOf& idOf, const SecretOf& secretOf, Json& out, std::string& err,
            std::vector<std::string>& secrets);

}  // namespace mon::engine::mackerel
