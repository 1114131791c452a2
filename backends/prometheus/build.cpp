// `monitorc build` for Prometheus: one rule file per target, one group in it (with the target's
// group settings): the target's record and alert blocks first, in source order (a group's
// order is the order written, as in the rule file they may have been imported from; recording
// rules written before the alerts that read them give those alerts fresh values), then the
// alerting rules of its monitors. A `format = "prometheus-operator"` target's group goes into a
// PrometheusRule object instead (operator.h).
#include <algorithm>
#include <iterator>

#include "prometheus/operator.h"
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
  std::vector<OperatorObject> objects;  // in the order their first target is declared
  for (const ir::Target* t : targets::ofKind(module, "prometheus")) {
    Group g{groupName(*t), {}, "", 0, ""};
    if (t->props.has("interval")) g.interval = promql::duration(static_cast<long long>(t->props.num("interval")));
    g.limit = static_cast<long long>(t->props.num("limit"));
    if (t->props.has("query_offset"))
      g.queryOffset = promql::duration(static_cast<long long>(t->props.num("query_offset")));
    for (const ir::Rule* r : targets::nativeRulesFor(module, *t)) g.rules.push_back(nativeRule(*r));
    for (const auto& s : targets::expressibleMonitors(module, *t, false, diags)) {
      auto rules = rulesFor(*s.monitor, s.translation);
      g.rules.insert(g.rules.end(), std::make_move_iterator(rules.begin()), std::make_move_iterator(rules.end()));
    }
    if (!operatorFormat(*t)) {
      std::string path = "prometheus/" + targets::fileSafe(t->name) + "/" + targets::fileSafe(g.name) + ".yml";
      std::vector<Group> one;
      one.push_back(std::move(g));  // not ruleFile({g}): that copies every rule of the group
      out[path] = ruleFile(one);
      continue;
    }
    OperatorObject key{t->props.str("resource_name"), t->props.str("namespace"), {}, {}};
    auto it = std::find_if(objects.begin(), objects.end(),
                           [&](const OperatorObject& o) { return o.name == key.name && o.namespace_ == key.namespace_; });
    if (it == objects.end()) {
      if (const ir::Prop* labels = t->props.find("resource_labels"))
        for (auto l = labels->value.begin(); l != labels->value.end(); ++l) key.labels.emplace_back(l.key(), l.value().get<std::string>());
      it = objects.insert(objects.end(), std::move(key));
    }
    it->groups.push_back(std::move(g));
  }
  for (const auto& o : objects) out[operatorPath(o)] = operatorFile(o);
  return out;
}

}  // namespace mon::prometheus
