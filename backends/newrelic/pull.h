#pragma once
// `monitorc pull` from a newrelic target: the policy's conditions as read, written back as query
// monitors in NRQL (New Relic's own settings in raw) that build the same conditions, and the
// account's dashboards as dashboard blocks (dashboard_source.cpp).
#include <string>
#include <vector>

#include "newrelic/newrelic.h"
#include "remote.h"

namespace mon::newrelic {

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s,
                       std::vector<std::string>& warnings);

}  // namespace mon::newrelic
