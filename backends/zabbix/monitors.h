#pragma once
// The monitors a zabbix target takes, translated (mapping.h), with what it cannot express
// reported at the source: shared by build, check and plan.
#include <vector>

#include "zabbix/mapping.h"

namespace mon::zabbix {

struct MonitorOnTarget {
  const ir::Monitor* monitor;
  Json body;  // Translation::body
};

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags);

/// The owned template as build writes it: host, groups, links, ownership tag.
Json templateJson(const TargetSettings& s);

}  // namespace mon::zabbix
