#pragma once
// `monitorc pull` from a cloudwatch target: the alarms as read, written back as the source that
// builds them (host monitors for the agent queries monitorc writes, query monitors otherwise).
#include <string>
#include <vector>

#include "cloudwatch/cloudwatch.h"
#include "remote.h"

namespace mon::cloudwatch {

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s,
                       std::vector<std::string>& warnings);

}  // namespace mon::cloudwatch
