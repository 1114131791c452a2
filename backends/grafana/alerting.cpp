// Grafana-managed alert rules: one rule per condition of each monitor (the same conditions as
// the Prometheus rules, see prometheus/promql.h), as the provisioning API takes them.
#include "grafana/grafana.h"
#include "prometheus/rules.h"
#include "prometheus/targets.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;

Json exprSource() { return {{"type", "__expr__"}, {"uid", "__expr__"}}; }

Json rule(const ir::Monitor& m, const promql::Condition& c, const TargetSettings& t) {
  // Grafana wants rule titles unique per folder, so the severity is part of the title.
  std::string summary = c.aspect.empty() ? m.name : m.name + " (" + c.aspect + ")";
  std::string title = m.name + " (" + (c.aspect.empty() ? "" : c.aspect + ", ") + c.severity + ")";
  Json labels = Json::object();
  labels["severity"] = c.severity;
  for (const auto& [k, v] : m.labels)
    if (k != "severity" && k != "runbook") labels[k] = prometheus::escapeTemplate(v);
  labels["managed_by"] = "monitorc";
  Json annotations = {{"summary", prometheus::escapeTemplate(summary)}};
  if (std::string memo = m.props.str("memo"); !memo.empty()) annotations["description"] = prometheus::escapeTemplate(memo);
  if (auto rb = m.labels.find("runbook"); rb != m.labels.end()) annotations["runbook_url"] = prometheus::escapeTemplate(rb->second);
  const ir::Prop* mute = m.props.find("is_mute");
  Json query = {{"refId", "A"},
                {"queryType", ""},
                {"relativeTimeRange", {{"from", 600}, {"to", 0}}},
                {"datasourceUid", t.datasource},
                {"model", {{"refId", "A"}, {"expr", c.value}, {"instant", true}, {"range", false}}}};
  Json reduce = {{"refId", "B"},
                 {"queryType", ""},
                 {"relativeTimeRange", {{"from", 0}, {"to", 0}}},
                 {"datasourceUid", "__expr__"},
                 {"model",
                  {{"refId", "B"}, {"type", "reduce"}, {"expression", "A"}, {"reducer", "last"}, {"datasource", exprSource()}}}};
  Json threshold = {
      {"refId", "C"},
      {"queryType", ""},
      {"relativeTimeRange", {{"from", 0}, {"to", 0}}},
      {"datasourceUid", "__expr__"},
      {"model",
       {{"refId", "C"},
        {"type", "threshold"},
        {"expression", "B"},
        {"conditions", Json::array({{{"evaluator", {{"type", c.op == ">" ? "gt" : "lt"}, {"params", {c.threshold}}}}}})},
        {"datasource", exprSource()}}}};
  return {{"uid", "mc-" + targets::hashHex(m.name + "\n" + c.aspect + "\n" + c.severity)},
          {"title", title},
          {"ruleGroup", t.name},
          {"folderUID", t.folder},
          {"orgID", 1},
          {"condition", "C"},
          {"data", Json::array({query, reduce, threshold})},
          {"for", promql::duration(c.forSeconds)},
          {"noDataState", "NoData"},
          {"execErrState", "Error"},
          {"isPaused", mute && mute->value.is_boolean() && mute->value.get<bool>()},
          {"labels", labels},
          {"annotations", annotations}};
}

}  // namespace

Json ruleGroupJson(const ir::Module& module, const TargetSettings& t, const ir::Target& target, DiagEngine& diags) {
  Json rules = Json::array();
  for (const auto& s : targets::expressibleMonitors(module, target, true, diags))
    for (const auto& c : s.translation.conditions) rules.push_back(rule(*s.monitor, c, t));
  return {{"title", t.name}, {"folderUid", t.folder}, {"interval", 60}, {"rules", rules}};
}

}  // namespace mon::grafana
