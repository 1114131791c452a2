// `monitorc build` for Prometheus: one rule file per target, one group in it: the target's
// recording rules first (so alerts evaluated in the same round see fresh values), then its
// alerting rules, each in source order.
#include "prometheus/prometheus.h"
#include "prometheus/rules.h"
#include "prometheus/targets.h"

namespace mon::prometheus {

std::string groupName(const ir::Target& t) {
  std::string g = t.props.str("group");
  return g.empty() ? t.name : g;  // Prometheus rejects an empty group name
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  reportModuleTargets(module, diags);
  for (const ir::Target* t : targets::ofKind(module, "prometheus")) {
    Group g{groupName(*t), {}};
    for (const ir::Record* r : targets::recordsFor(module, *t)) g.rules.push_back(recordingRule(*r));
    for (const auto& s : targets::expressibleMonitors(module, *t, false, diags)) {
      auto rules = rulesFor(*s.monitor, s.translation);
      g.rules.insert(g.rules.end(), rules.begin(), rules.end());
    }
    out["prometheus/" + targets::fileSafe(t->name) + "/" + targets::fileSafe(g.name) + ".yml"] = ruleFile({g});
  }
  return out;
}

}  // namespace mon::prometheus
