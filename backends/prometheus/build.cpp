// `monitorc build` for Prometheus: one rule file per target, one group in it (with the target's
// group settings): the target's record and alert blocks first, in source order (a group's
// order is the order written, as in the rule file they may have been imported from; recording
// rules written before the alerts that read them give those alerts fresh values), then the
// alerting rules of its monitors.
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
    Group g{groupName(*t), {}, "", 0, ""};
    if (t->props.has("interval")) g.interval = promql::duration(static_cast<long long>(t->props.num("interval")));
    g.limit = static_cast<long long>(t->props.num("limit"));
    if (t->props.has("query_offset"))
      g.queryOffset = promql::duration(static_cast<long long>(t->props.num("query_offset")));
    for (const ir::Rule* r : targets::nativeRulesFor(module, *t)) g.rules.push_back(nativeRule(*r));
    for (const auto& s : targets::expressibleMonitors(module, *t, false, diags)) {
      auto rules = rulesFor(*s.monitor, s.translation);
      g.rules.insert(g.rules.end(), rules.begin(), rules.end());
    }
    out["prometheus/" + targets::fileSafe(t->name) + "/" + targets::fileSafe(g.name) + ".yml"] = ruleFile({g});
  }
  return out;
}

}  // namespace mon::prometheus
