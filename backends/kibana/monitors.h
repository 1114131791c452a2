#pragma once
// The monitors a kibana target takes, translated (rules.h), with what it cannot express
// reported at the source: shared by build, check and plan.
#include <vector>

#include "kibana/rules.h"

namespace mon::kibana {

struct MonitorOnTarget {
  const ir::Monitor* monitor;
  std::vector<Rule> rules;
};

std::vector<MonitorOnTarget> monitorsFor(const ir::Module& module, const ir::Target& t, DiagEngine& diags);

}  // namespace mon::kibana
