#pragma once
// The Mackerel API as a Remote: /api/v0/monitors, /api/v0/dashboards, /api/v0/channels,
// /api/v0/notification-groups and /api/v0/downtimes over a net::Client, with retries, and
// lost-create recovery (before retrying a POST whose outcome is unknown it re-lists and looks
// for the object by its key). Channels, groups and downtimes are translated between the API's
// form and the plans' by routing_wire.h (ownership in the name, references by key, secrets
// as fingerprints).
#include <functional>
#include <memory>

#include "net/http.h"
#include "net/retry.h"
#include "remote.h"

namespace mon::engine::mackerel {

struct Options {
  std::string targetName;
  std::string baseUrl = "https://api.mackerelio.com/";
  std::string apiKey;  // sent as X-Api-Key only; never logged or shown
  net::RetryPolicy retry;
  /// GETs in flight at once while reading (the lists and the dashboards by id).
  size_t readParallel = 16;
  /// Receives one line per HTTP exchange (method, path, status, time); no headers, no bodies.
  std::function<void(const std::string&)> log;
  /// Reads the environment variables that hold channel secrets when writing (default ::getenv).
  std::function<const char*(const char*)> getenv;
  /// The plan's canonical form (normalize.h), made for each monitor and dashboard on the reading
  /// threads as its answer arrives (RemoteObject::canonical); null: left to diff().
  std::function<Json(ObjKind, const Json&)> canonical;
};

std::unique_ptr<Remote> makeRemote(std::shared_ptr<net::Client> client, Options opts);

}  // namespace mon::engine::mackerel
