#pragma once
// `monitorc pull` from a zabbix target: each monitor read back as the source that builds it.
#include <string>
#include <vector>

#include "remote.h"
#include "zabbix/zabbix.h"

namespace mon::zabbix {

/// Source for the monitors the target holds (owned ones only when `ownedOnly`), each with
/// `targets = [NAME]`. What the language cannot say (no-data triggers, a trigger of another
/// shape) is left out with a warning.
std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s,
                       std::vector<std::string>& warnings);

}  // namespace mon::zabbix
