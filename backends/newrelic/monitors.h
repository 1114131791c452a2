#pragma once
// The monitors a newrelic target takes, translated (mapping.h), with what it cannot express
// reported at the source: shared by build, check and plan.
#include <vector>

#include "newrelic/mapping.h"

namespace mon::newrelic {

struct MonitorOnTarget {
  const ir::Monitor* monitor;
  std::vector<Condition> conditions;
};

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags);

}  // namespace mon::newrelic
