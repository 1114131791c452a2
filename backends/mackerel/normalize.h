#pragma once
// Both sides of a diff are brought to one canonical form before comparing, so that what the
// server adds or respells never shows up as a change: server-only fields removed, server
// defaults filled in, null / "" / [] treated as absent, scopes spelled "Service: role",
// integral numbers as integers, the ownership marker taken out of memo.
#include "remote.h"

namespace mon::engine::mackerel {

using Json = ir::Json;

/// A monitor, dashboard, channel, notification group or downtime (as sent or as read, in the
/// plans' form: routing_wire.h) in canonical form, by kind.
Json normalize(ObjKind kind, const Json& body);
/// A channel, notification group or downtime in canonical form: lists in one order, server
/// fields dropped, a secret as its fingerprint alone.
Json normalizeRouting(ObjKind kind, const Json& body);
/// A monitor (as sent or as read) in canonical form.
Json normalizeMonitor(const Json& m);
/// A dashboard (as sent or as read, with widgets) in canonical form.
Json normalizeDashboard(const Json& d);
/// "Svc:role", "Svc : role" -> "Svc: role"; anything else unchanged.
std::string normalizeScope(const std::string& s);
/// What the service stores for a body it accepted: defaults filled in as the API echoes them
/// (used by the local target so that it behaves like the service).
Json withServerDefaults(const Json& monitor);

}  // namespace mon::engine::mackerel
