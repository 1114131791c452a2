#pragma once
// `target local "NAME" { dir = ... }`: a directory that behaves like the Mackerel service
// (ids assigned, server defaults and scope spelling applied, PUT replaces, duplicate urlPath
// refused), so plan and apply work without an account. It holds monitors.json and
// dashboards.json, rewritten atomically after every change.
#include <memory>

#include "remote.h"

namespace mon::engine::local {

std::unique_ptr<Remote> makeRemote(const std::string& targetName, const std::string& dir);

}  // namespace mon::engine::local
