// MON009: monitors (and alerting rules) that watch the same thing for a common target.
#include <algorithm>
#include <map>

#include "lint/reporter.h"

namespace mon::lint {

namespace {

std::string sortedList(const ir::Props& p, const char* name) {
  const ir::Prop* v = p.find(name);
  if (!v || !v->value.is_array()) return "[]";
  std::vector<std::string> items;
  for (const auto& x : v->value) items.push_back(x.is_string() ? x.get<std::string>() : x.dump());
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& s : items) out += s + "\n";
  return out;
}

std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

std::string labelsKey(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += k + "=" + v + "\n";
  return out;
}

}  // namespace

MonitorIdentity monitorIdentity(const ir::Monitor& m) {
  const ir::Props& p = m.props;
  std::string k = std::string(ir::kindName(m.kind)) + "\n";
  switch (m.kind) {
    case ir::MonitorKind::Host:
      return {k + p.str("metric") + "\n" + p.str("operator") + "\n" + sortedList(p, "scopes") + sortedList(p, "exclude_scopes"),
              "metric '" + p.str("metric") + "', operator and scopes"};
    case ir::MonitorKind::Service:
      return {k + p.str("service") + "\n" + p.str("metric") + "\n" + p.str("operator"),
              "service '" + p.str("service") + "', metric '" + p.str("metric") + "' and operator"};
    case ir::MonitorKind::Connectivity:
      return {k + sortedList(p, "scopes") + sortedList(p, "exclude_scopes"), "connectivity of the same scopes"};
    case ir::MonitorKind::External:
      return {k + p.str("url") + "\n" + p.str("method", "GET"), "URL '" + p.str("url") + "' and method"};
    case ir::MonitorKind::Expression:
      return {k + squeeze(p.str("expression")) + "\n" + p.str("operator"), "expression and operator"};
    case ir::MonitorKind::Query:
      return {k + squeeze(p.str("query")) + "\n" + p.str("operator"), "query and operator"};
    case ir::MonitorKind::AnomalyDetection:
      return {k + sortedList(p, "scopes"), "anomaly detection on the same scopes"};
  }
  return {"", ""};
}

void reportDuplicateMonitor(const ir::Monitor& mon, const ir::Monitor& first, const std::string& what, Reporter& r) {
  if (auto b = r.report("MON009", mon, mon.nameRange, diag::lint_duplicate_monitor,
                        {std::string(ir::kindName(mon.kind)) + " monitor", mon.name, first.name, "same " + what}))
    b->note(first.nameRange, "'" + first.name + "' is defined here");
}

void checkDuplicates(const ir::Module& m, Reporter& r) {
  std::map<std::string, std::vector<size_t>> seen;
  for (size_t i = 0; i < m.monitors.size(); ++i) {
    const ir::Monitor& mon = m.monitors[i];
    MonitorIdentity id = monitorIdentity(mon);
    auto& earlier = seen[id.key];
    for (size_t j : earlier) {
      const ir::Monitor& first = m.monitors[j];
      if (!targetsOverlap(first.targets, mon.targets)) continue;
      reportDuplicateMonitor(mon, first, id.what, r);
      break;
    }
    earlier.push_back(i);
  }
  // Alerting rules: the same condition with the same labels pages twice (the same expression
  // with another severity label is the usual warning/critical pair, and is fine).
  std::map<std::string, size_t> rules;
  for (size_t i = 0; i < m.rules.size(); ++i) {
    const ir::Rule& rule = m.rules[i];
    if (!rule.isAlert()) continue;
    std::string key = squeeze(rule.expr) + "\n" + labelsKey(rule.labels);
    auto [it, fresh] = rules.emplace(key, i);
    if (fresh) continue;
    const ir::Rule& first = m.rules[it->second];
    if (!targetsOverlap(first.targets, rule.targets)) continue;
    if (auto b = r.report("MON009", rule, rule.nameRange, diag::lint_duplicate_monitor,
                          {"alerting rule", rule.name, first.name, "same expression and labels"}))
      b->note(first.nameRange, "'" + first.name + "' is defined here");
  }
}

}  // namespace mon::lint
