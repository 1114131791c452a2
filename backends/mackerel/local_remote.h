#pragma once
// `target local "NAME" { dir = ... }`: a directory that behaves like the Mackerel service
// (ids assigned, server defaults and scope spelling applied, PUT replaces, duplicate urlPath
// refused), so plan and apply work without an account. It holds monitors.json and
// dashboards.json, rewritten atomically (support/files.h) after every change. The Remote holds
// an exclusive flock on DIR/.monitorc.lock for its whole life (reading, planning, applying), so
// two runs on one directory take turns; the second waits, with a message.
#include <memory>

#include "remote.h"

namespace mon::engine::local {

/// Null with `err` when the lock file cannot be opened or locked.
std::unique_ptr<Remote> makeRemote(const std::string& targetName, const std::string& dir, std::string& err);

}  // namespace mon::engine::local
