#pragma once
// The monitors a cloudwatch target takes, translated (mapping.h), with what it cannot express
// reported at the source: shared by build, check and plan.
#include <vector>

#include "cloudwatch/mapping.h"

namespace mon::cloudwatch {

struct MonitorOnTarget {
  const ir::Monitor* monitor;
  std::vector<Alarm> alarms;
};

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags);

}  // namespace mon::cloudwatch
