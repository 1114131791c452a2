#pragma once
// `monitorc pull` from a kibana target: the Elasticsearch query rules as read, written back as
// the query monitors that build them, and the dashboards as dashboard blocks (import.h).
#include <string>
#include <vector>

#include "kibana/kibana.h"
#include "remote.h"

namespace mon::kibana {

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s,
                       std::vector<std::string>& warnings);

}  // namespace mon::kibana
