// `monitorc check` for Prometheus: what build() reports (unknown target names, monitors a
// target cannot express, dropped fields), without writing the rule files.
#include "prometheus/prometheus.h"
#include "prometheus/targets.h"

namespace mon::prometheus {

void check(const ir::Module& module, DiagEngine& diags) {
  targets::reportUnknownTargetNames(module, diags);
  for (const ir::Target* t : targets::ofKind(module, "prometheus")) targets::expressibleMonitors(module, *t, false, diags);
}

}  // namespace mon::prometheus
