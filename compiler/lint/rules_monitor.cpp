// Rules on one monitor at a time: thresholds (MON001, MON003), units (MON002), what the person
// paged gets (MON004), scope (MON005), certificates (MON006), re-paging (MON008), mutes (MON016).
#include <cctype>

#include "check/schema.h"
#include "lint/reporter.h"
#include "support/text.h"

namespace mon::lint {

namespace {

bool hasThresholds(ir::MonitorKind k) {
  return k == ir::MonitorKind::Host || k == ir::MonitorKind::Service || k == ir::MonitorKind::Expression ||
         k == ir::MonitorKind::Query;
}

void thresholdOrder(const ir::Monitor& m, Reporter& r) {
  const ir::Prop* w = m.props.find("warning");
  const ir::Prop* c = m.props.find("critical");
  if (!w || !c || !w->value.is_number() || !c->value.is_number()) return;
  std::string op = m.props.str("operator");
  double wv = w->value.get<double>(), cv = c->value.get<double>();
  bool wrong = (op == ">" && wv > cv) || (op == "<" && wv < cv);
  if (wrong) {
    if (auto b = r.report("MON001", m, w->range, diag::lint_threshold_order, {formatNumber(wv), formatNumber(cv), op}))
      b->note(c->range, "'critical' is set here").note(Range{}, "swap the two values, or the operator");
  } else if (wv == cv) {
    if (auto b = r.report("MON001", m, w->range, diag::lint_threshold_equal, {formatNumber(wv)}))
      b->note(c->range, "'critical' is set here").note(Range{}, "remove 'warning', or give it an earlier threshold");
  }
}

const char* unitWord(long long unitMs) {
  switch (unitMs) {
    case 1: return "milliseconds";
    case 1000: return "seconds";
    case 60000: return "minutes";
    case 86400000: return "days";
  }
  return "units";
}

// The source text of a value is a plain number (not a duration literal, a name or a string).
bool bareNumber(std::string_view text) {
  if (text.empty()) return false;
  for (char ch : text)
    if (!std::isdigit(static_cast<unsigned char>(ch)) && ch != '.') return false;
  return true;
}

}  // namespace

void checkUnits(const std::vector<schema::Field>& fields, const ir::Props& props, const Subject& object, Reporter& r) {
  for (const ir::Prop& p : props.list) {
    if (!p.range.valid() || !p.value.is_number()) continue;
    for (const schema::Field& f : fields) {
      if (p.name != f.name || f.type != schema::Type::Duration) continue;
      std::string_view name(f.name);
      // A name that says its unit ("evaluate_backward_minutes") is not ambiguous.
      if (name.size() > 8 && name.substr(name.size() - 8) == "_minutes") continue;
      const std::string& text = r.sources().text(p.range.file);
      if (p.range.end > text.size() || p.range.begin > p.range.end) continue;  // a text read again and changed
      std::string_view written(text.data() + p.range.begin, p.range.end - p.range.begin);
      if (!bareNumber(written)) continue;
      std::string unit = unitWord(f.unitMs);
      if (auto b = r.report("MON002", object, p.range, diag::lint_time_without_unit, {f.name, std::string(written), unit}))
        b->note(Range{}, "write the unit, e.g. '" + std::string(written) + (f.unitMs == 1 ? "ms" : f.unitMs == 1000 ? "s" : f.unitMs == 60000 ? "m" : "d") + "'");
    }
  }
}

namespace {

bool endsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// MON003: a threshold in another unit than its metric's, judged from the metric's name.
void implausible(const ir::Monitor& m, Reporter& r) {
  if (m.kind != ir::MonitorKind::Host && m.kind != ir::MonitorKind::Service) return;
  std::string metric = m.props.str("metric");
  std::string lower = lowerAscii(metric);
  bool percent = endsWith(lower, "%") || contains(lower, "percent") || contains(lower, "_pct");
  bool ratio = endsWith(lower, "_ratio");
  bool bytes = lower == "memory" || lower.rfind("memory.", 0) == 0 || endsWith(lower, "_bytes") || contains(lower, ".bytes");
  for (const char* level : {"warning", "critical"}) {
    const ir::Prop* p = m.props.find(level);
    if (!p || !p->value.is_number()) continue;
    double v = p->value.get<double>();
    if (percent && v > 100)
      r.report("MON003", m, p->range, diag::lint_percent_above_100, {level, metric, formatNumber(v)});
    else if (ratio && v > 1)
      r.report("MON003", m, p->range, diag::lint_ratio_above_1, {metric, formatNumber(v)});
    else if (bytes && v > 0 && v < 1024) {
      if (auto b = r.report("MON003", m, p->range, diag::lint_bytes_small_threshold, {metric, formatNumber(v)}))
        b->note(Range{}, "for a share of memory use 'memory%'; for bytes, write the number of bytes");
    }
  }
}

void checkMonitor(const ir::Monitor& m, Reporter& r) {
  const char* kind = ir::kindName(m.kind);
  if (hasThresholds(m.kind)) thresholdOrder(m, r);
  for (const auto& k : schema::monitorKinds())
    if (std::string_view(k.name) == kind) checkUnits(k.fields, m.props, m, r);
  implausible(m, r);
  bool runbook = !m.props.str("memo").empty() || m.labels.count("runbook") || m.labels.count("runbook_url");
  if (!runbook) r.report("MON004", m, m.nameRange, diag::lint_no_runbook, {"monitor", m.name, "'memo'"});
  if (m.kind == ir::MonitorKind::Host) {
    const ir::Prop* s = m.props.find("scopes");
    if (!s || !s->value.is_array() || s->value.empty())
      r.report("MON005", m, m.nameRange, diag::lint_host_no_scope, {m.name});
  }
  if (m.kind == ir::MonitorKind::External) {
    const ir::Prop* url = m.props.find("url");
    if (url && url->value.is_string() && lowerAscii(url->value.get<std::string>()).rfind("https://", 0) == 0 &&
        !m.props.has("certification_expiration_warning") && !m.props.has("certification_expiration_critical")) {
      if (auto b = r.report("MON006", m, url->range, diag::lint_https_no_cert_expiry, {m.name}))
        b->note(Range{}, "add e.g. certification_expiration_warning = 14d and certification_expiration_critical = 7d");
    }
  }
  if (const ir::Prop* n = m.props.find("notification_interval"); n && n->value.is_number() && n->value.get<double>() < 30)
    r.report("MON008", m, n->range, diag::lint_repage_too_often, {showSeconds(n->value.get<double>() * 60)});
  if (const ir::Prop* mute = m.props.find("is_mute"); mute && mute->value.is_boolean() && mute->value.get<bool>())
    r.report("MON016", m, mute->range, diag::lint_muted_monitor, {m.name});
}

}  // namespace

void checkMonitors(const ir::Module& m, Reporter& r) {
  for (const auto& mon : m.monitors) checkMonitor(mon, r);
}

}  // namespace mon::lint
