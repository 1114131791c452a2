// Lowering of the native Prometheus rules: `record "name" { expr labels targets }` (a recording
// rule) and `alert "Name" { expr for_duration keep_firing_for labels annotations targets }` (an
// alerting rule). Names and label names must be what Prometheus accepts, so they are checked
// here (located), not left to promtool. Which targets take a rule is the Prometheus backend's
// business (backends/prometheus/targets.cpp), like the `targets` of monitors.
#include "check/schema.h"
#include "lower/fields.h"
#include "lower/lower_parts.h"
#include "support/prometheus_names.h"
#include "support/text.h"

namespace mon {

namespace {

// Label (or annotation) names of the map `field`, checked one by one at the key as written.
bool lowerNames(const Object& obj, const ir::Props& props, const char* field, std::map<std::string, std::string>& out,
                DiagEngine& diags) {
  const ir::Prop* p = props.find(field);
  if (!p) return true;
  const Field* written = obj.field(field);
  bool ok = true;
  size_t i = 0;
  for (auto it = p->value.begin(); it != p->value.end(); ++it, ++i) {
    const std::string& k = it.key();
    Range at = written && i < written->value.keyRanges.size() ? written->value.keyRanges[i] : p->range;
    if (!isLabelName(k)) {
      diags.report(at, diag::err_bad_label_name, {k});
      ok = false;
    } else if (k.rfind("__", 0) == 0) {
      diags.report(at, diag::err_reserved_label_name, {k});
      ok = false;
    }
    out[k] = it.value().get<std::string>();
  }
  return ok;
}

}  // namespace

std::optional<ir::Rule> lowerRule(const Object& obj, DiagEngine& diags) {
  const bool alert = obj.type == "alert";
  const schema::Kind& kind = alert ? schema::alertKind() : schema::recordKind();
  if (obj.labels.empty() || obj.labels[0].kind != ValueKind::String) {
    diags.report(obj.labels.empty() ? obj.typeRange : obj.labels[0].range, diag::err_missing_label,
                 {obj.type, alert ? "a quoted alert name, e.g. alert \"HostDown\""
                                  : "a quoted metric name, e.g. record \"job:http_requests:rate5m\""});
    return std::nullopt;
  }
  ir::Rule r;
  r.type = alert ? ir::Rule::Type::Alert : ir::Rule::Type::Record;
  r.name = obj.labels[0].str;
  r.range = obj.range;
  for (const Note& n : obj.loopSteps) r.loopSteps.push_back(ir::LoopStep{n.range, n.message});
  r.nameRange = obj.labels[0].range;
  bool ok = true;
  if (r.name.empty()) {
    diags.report(r.nameRange, diag::err_empty_name, {r.what()});
    ok = false;
  } else if (!alert && !isMetricName(r.name)) {
    diags.report(r.nameRange, diag::err_bad_record_name, {r.name});
    ok = false;
  }
  if (obj.labels.size() > 1) {
    diags.report(obj.labels[1].range, diag::err_extra_label, {alert ? "an alert" : "a record"});
    ok = false;
  }
  ok = checkFieldsOnly(obj, alert ? "an alert" : "a record", diags) && ok;
  ok = lowerFields(obj, kind, r.props, diags) && ok;
  ok = checkRequired(obj, kind, r.props, diags) && ok;
  if (const ir::Prop* expr = r.props.find("expr")) {
    r.expr = expr->value.get<std::string>();
    if (r.expr.find_first_not_of(" \t\r\n") == std::string::npos) {
      diags.report(expr->range, diag::err_empty_value, {"expr"});
      ok = false;
    }
  }
  ok = lowerNames(obj, r.props, "labels", r.labels, diags) && ok;
  if (alert) ok = lowerNames(obj, r.props, "annotations", r.annotations, diags) && ok;
  if (const ir::Prop* targets = r.props.find("targets")) {
    for (const auto& t : targets->value) r.targets.push_back(t.get<std::string>());
    r.targetRanges = targetRangesOf(obj, *targets);
  }
  if (!ok) return std::nullopt;
  return r;
}

}  // namespace mon
