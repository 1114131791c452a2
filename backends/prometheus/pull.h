#pragma once
// `monitorc pull` from a prometheus target, and what the Grafana pull shares with it: rules
// turned into source by the Prometheus importer, pointed at the pulled target.
#include <string>
#include <vector>

#include "target.h"

namespace mon::prometheus {

/// The comment that starts each pulled file.
std::string pulledHeader(const std::string& kind, const std::string& name);

/// The rule file plan compares with (rulesDir/monitorc_<name>.yml; with `ownedOnly` only when
/// it has the generated header) as source; `url` and `group` as declared, for the target block.
bool pullRules(const std::string& name, const std::string& url, const std::string& rulesDir, const std::string& group,
               bool ownedOnly, engine::PulledSource& out, std::vector<std::string>& warnings, std::string& err);

}  // namespace mon::prometheus
