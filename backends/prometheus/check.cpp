// `monitorc check` for Prometheus: what build() reports (unknown target names, monitors a
// target cannot express, dropped fields, records on targets that cannot hold them), without
// writing the rule files.
#include "prometheus/operator.h"
#include "prometheus/prometheus.h"
#include "prometheus/targets.h"

namespace mon::prometheus {

void reportModuleTargets(const ir::Module& module, DiagEngine& diags) {
  targets::reportUnknownTargetNames(module, diags);
  targets::reportRuleTargets(module, diags);
  targets::reportFileNameClashes(module, "prometheus", diags);
  reportOperatorTargets(module, diags);
}

void check(const ir::Module& module, DiagEngine& diags) {
  reportModuleTargets(module, diags);
  for (const ir::Target* t : targets::ofKind(module, "prometheus"))
    targets::forEachExpressible(module, *t, false, diags, [](const ir::Monitor&, promql::Translation&) {});
}

}  // namespace mon::prometheus
