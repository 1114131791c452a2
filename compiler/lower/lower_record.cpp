// Lowering of `record "name" { expr = ... labels = {...} targets = [...] }`: a Prometheus
// recording rule. Its name and label names must be what Prometheus accepts, so they are checked
// here (located), not left to promtool. Which targets take it is the Prometheus backend's
// business (backends/prometheus/targets.cpp), like the `targets` of monitors.
#include <cctype>

#include "check/schema.h"
#include "lower/fields.h"
#include "lower/lower_parts.h"
#include "support/prometheus_names.h"
#include "support/text.h"

namespace mon {

std::optional<ir::Record> lowerRecord(const Object& obj, DiagEngine& diags) {
  const schema::Kind& kind = schema::recordKind();
  if (obj.labels.empty() || obj.labels[0].kind != ValueKind::String) {
    diags.report(obj.labels.empty() ? obj.typeRange : obj.labels[0].range, diag::err_missing_label,
                 {"record", "a quoted metric name, e.g. record \"job:http_requests:rate5m\""});
    return std::nullopt;
  }
  ir::Record r;
  r.name = obj.labels[0].str;
  r.range = obj.range;
  r.nameRange = obj.labels[0].range;
  bool ok = true;
  if (r.name.empty()) {
    diags.report(r.nameRange, diag::err_empty_name, {"recording rule"});
    ok = false;
  } else if (!isMetricName(r.name)) {
    diags.report(r.nameRange, diag::err_bad_record_name, {r.name});
    ok = false;
  }
  if (obj.labels.size() > 1) {
    diags.report(obj.labels[1].range, diag::err_extra_label, {"a record"});
    ok = false;
  }
  ok = checkFieldsOnly(obj, "a record", diags) && ok;
  ok = lowerFields(obj, kind, r.props, diags) && ok;
  ok = checkRequired(obj, kind, r.props, diags) && ok;
  if (const ir::Prop* expr = r.props.find("expr")) {
    r.expr = expr->value.get<std::string>();
    if (r.expr.find_first_not_of(" \t\r\n") == std::string::npos) {
      diags.report(expr->range, diag::err_empty_value, {"expr"});
      ok = false;
    }
  }
  if (const ir::Prop* labels = r.props.find("labels")) {
    const Field* written = obj.field("labels");
    size_t i = 0;
    for (auto it = labels->value.begin(); it != labels->value.end(); ++it, ++i) {
      const std::string& k = it.key();
      Range at = written && i < written->value.keyRanges.size() ? written->value.keyRanges[i] : labels->range;
      if (!isLabelName(k)) {
        diags.report(at, diag::err_bad_label_name, {k});
        ok = false;
      } else if (k.rfind("__", 0) == 0) {
        diags.report(at, diag::err_reserved_label_name, {k});
        ok = false;
      }
      r.labels[k] = it.value().get<std::string>();
    }
  }
  if (const ir::Prop* targets = r.props.find("targets")) {
    for (const auto& t : targets->value) r.targets.push_back(t.get<std::string>());
    r.targetRanges = targetRangesOf(obj, *targets);
  }
  if (!ok) return std::nullopt;
  return r;
}

}  // namespace mon
