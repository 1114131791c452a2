// Rules on what goes to Prometheus: native alerting rules (MON004, MON010, MON011, MON015),
// durations and windows against the target group's evaluation interval (MON007, MON014), and
// counters in query monitors (MON011).
#include <algorithm>

#include "lint/promql_scan.h"
#include "lint/reporter.h"

namespace mon::lint {

namespace {

struct Interval {
  std::string target;
  double seconds;
};

// The longest evaluation interval among the prometheus targets `targets` reaches (an empty list
// reaches all of them) that set one; none when no such target sets `interval`.
std::optional<Interval> longestInterval(const ir::Module& m, const std::vector<std::string>& targets) {
  std::optional<Interval> best;
  for (const ir::Target& t : m.targets) {
    if (t.kind != "prometheus" || !t.props.has("interval")) continue;
    if (!targets.empty() && std::find(targets.begin(), targets.end(), t.name) == targets.end()) continue;
    double s = t.props.num("interval");
    if (!best || s > best->seconds) best = Interval{t.name, s};
  }
  return best;
}

void forBelowInterval(const ir::Module& m, const Subject& object, const ir::Prop* dur, double seconds, const char* field,
                      const std::vector<std::string>& targets, Reporter& r) {
  auto iv = longestInterval(m, targets);
  if (!dur || !iv || seconds <= 0 || seconds >= iv->seconds) return;
  r.report("MON007", object, dur->range, diag::lint_for_below_interval,
           {showSeconds(seconds), showSeconds(iv->seconds), iv->target, field});
}

void windows(const ir::Module& m, const Subject& object, Range at, const std::string& expr, const std::vector<std::string>& targets,
             Reporter& r) {
  auto iv = longestInterval(m, targets);
  if (!iv) return;
  for (const Window& w : rateWindows(expr))
    if (w.seconds < iv->seconds) {
      r.report("MON014", object, at, diag::lint_rate_window_short, {w.text, w.function, showSeconds(iv->seconds), iv->target});
      return;  // one per expression: the fix is the same for every window
    }
}

void counters(const Subject& object, Range at, const std::string& expr, Reporter& r) {
  for (const std::string& c : rawCounters(expr))
    if (auto b = r.report("MON011", object, at, diag::lint_counter_without_rate, {c}))
      b->note(Range{}, "e.g. rate(" + c + "[5m]) for a per-second rate, increase(" + c + "[1h]) for a count per hour");
}

void checkAlert(const ir::Module& m, const ir::Rule& rule, Reporter& r) {
  const ir::Prop* expr = rule.props.find("expr");
  Range exprAt = expr ? expr->range : rule.nameRange;
  checkUnits(schema::alertKind().fields, rule.props, rule, r);
  bool runbook = rule.annotations.count("runbook_url") || rule.annotations.count("runbook") ||
                 rule.annotations.count("description") || rule.annotations.count("summary");
  if (!runbook)
    r.report("MON004", rule, rule.nameRange, diag::lint_no_runbook,
             {"alerting rule", rule.name, "'runbook_url', 'summary' or 'description' annotation"});
  const ir::Prop* f = rule.props.find("for_duration");
  double forSeconds = f && f->value.is_number() ? f->value.get<double>() : 0;
  if (forSeconds <= 0) {
    if (auto b = r.report("MON010", rule, f ? f->range : rule.nameRange, diag::lint_alert_no_for, {rule.name}))
      b->note(Range{}, "add e.g. for_duration = 5m: the condition must then hold for five minutes");
  }
  forBelowInterval(m, rule, f, forSeconds, "for_duration", rule.targets, r);
  counters(rule, exprAt, rule.expr, r);
  windows(m, rule, exprAt, rule.expr, rule.targets, r);
  if (!rule.labels.count("severity"))
    r.report("MON015", rule, rule.nameRange, diag::lint_alert_no_severity, {rule.name});
}

}  // namespace

void checkPrometheusRules(const ir::Module& m, Reporter& r) {
  for (const ir::Rule& rule : m.rules) {
    if (rule.isAlert()) {
      checkAlert(m, rule, r);
    } else {
      const ir::Prop* expr = rule.props.find("expr");
      windows(m, rule, expr ? expr->range : rule.nameRange, rule.expr, rule.targets, r);
    }
  }
  for (const ir::Monitor& mon : m.monitors) {
    if (mon.kind == ir::MonitorKind::Query) {
      const ir::Prop* q = mon.props.find("query");
      if (q && q->value.is_string()) counters(mon, q->range, q->value.get<std::string>(), r);
    }
    if (mon.kind == ir::MonitorKind::Host) {
      const ir::Prop* d = mon.props.find("duration");
      if (d && d->value.is_number()) forBelowInterval(m, mon, d, d->value.get<double>() * 60, "duration", mon.targets, r);
    }
  }
}

}  // namespace mon::lint
