// Lowering of `monitor KIND "name" { ... }` blocks, with the cross-field rules of the
// Mackerel API (thresholds, response time, anomaly sensitivity, URL, raw keys).
#include "lower/lower_parts.h"

#include "check/schema.h"
#include "lower/fields.h"
#include "support/text.h"

namespace mon {

namespace {

const std::pair<const char*, ir::MonitorKind> kKinds[] = {
    {"host", ir::MonitorKind::Host},
    {"connectivity", ir::MonitorKind::Connectivity},
    {"service", ir::MonitorKind::Service},
    {"external", ir::MonitorKind::External},
    {"expression", ir::MonitorKind::Expression},
    {"anomaly_detection", ir::MonitorKind::AnomalyDetection},
    {"query", ir::MonitorKind::Query},
};

bool hasThresholdKind(ir::MonitorKind k) {
  return k == ir::MonitorKind::Host || k == ir::MonitorKind::Service || k == ir::MonitorKind::Expression ||
         k == ir::MonitorKind::Query;
}

bool crossFieldRules(const Object& obj, const schema::Kind& kind, ir::Monitor& m, DiagEngine& diags) {
  bool ok = true;
  const ir::Props& p = m.props;
  auto isSet = [&](const char* n) { const ir::Prop* x = p.find(n); return x && !x->value.is_null(); };
  if (hasThresholdKind(m.kind) && !isSet("warning") && !isSet("critical") && !obj.field("warning") && !obj.field("critical")) {
    diags.report(nameRangeOf(obj), diag::err_need_threshold, {kind.what});
    ok = false;
  }
  if (m.kind == ir::MonitorKind::Host && schema::isComparativeMetric(p.str("metric"))) {
    for (const char* t : {"warning", "critical"}) {
      const ir::Prop* x = p.find(t);
      if (x && x->value.is_number() && (x->value.get<double>() < 0 || x->value.get<double>() > 100)) {
        diags.report(x->range, diag::err_out_of_range, {t, "between 0 and 100 for '" + p.str("metric") + "'",
                                                        formatNumber(x->value.get<double>())});
        ok = false;
      }
    }
  }
  if (m.kind == ir::MonitorKind::External) {
    const ir::Prop* url = p.find("url");
    if (url && url->value.is_string()) {
      std::string u = url->value.get<std::string>();
      if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
        diags.report(url->range, diag::err_bad_url);
        ok = false;
      }
    }
    const ir::Prop* rt = p.find("response_time_warning") ? p.find("response_time_warning") : p.find("response_time_critical");
    const ir::Prop* rtd = p.find("response_time_duration");
    if (rt || rtd) {
      for (const char* need : {"service", "response_time_duration"})
        if (!p.has(need)) {
          diags.report(rt ? rt->range : rtd->range, diag::err_response_time_needs, {need});
          ok = false;
        }
      if (!rt) {
        diags.report(rtd->range, diag::err_response_time_needs, {"response_time_warning' or 'response_time_critical"});
        ok = false;
      }
    }
  }
  if (m.kind == ir::MonitorKind::AnomalyDetection) {
    if (!p.has("warning_sensitivity") && !p.has("critical_sensitivity") && !obj.field("warning_sensitivity") &&
        !obj.field("critical_sensitivity")) {
      diags.report(nameRangeOf(obj), diag::err_need_sensitivity);
      ok = false;
    }
    const ir::Prop* scopes = p.find("scopes");
    if (scopes && scopes->value.empty()) {
      diags.report(scopes->range, diag::err_missing_field, {kind.what, "at least one scope"});
      ok = false;
    }
  }
  // raw keys must not fight with fields monitorc manages.
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it) {
    for (const auto& spec : kind.fields) {
      std::string api = camelCase(spec.name);
      if (it.key() == api || it.key() == "type" || it.key() == "name" || it.key() == "id") {
        const ir::Prop* raw = p.find("raw");
        diags.report(raw ? raw->range : nameRangeOf(obj), diag::err_raw_shadows_field,
                     {it.key(), it.key() == api ? spec.name : it.key()});
        ok = false;
        break;
      }
    }
  }
  return ok;
}

}  // namespace

std::optional<ir::Monitor> lowerMonitor(const Object& obj, DiagEngine& diags) {
  if (obj.labels.empty() || obj.labels[0].kind != ValueKind::Word) {
    auto b = diags.report(obj.typeRange, diag::err_missing_label, {"monitor", "a kind, e.g. monitor host \"name\""});
    b.note(Range{}, "kinds: " + quotedList(schema::kindNames(schema::monitorKinds())));
    return std::nullopt;
  }
  const Value& kindLabel = obj.labels[0];
  const schema::Kind* kind = schema::findKind(schema::monitorKinds(), kindLabel.str);
  if (!kind) {
    auto b = diags.report(kindLabel.range, diag::err_unknown_kind, {"monitor", kindLabel.str});
    std::string close = closestMatch(kindLabel.str, schema::kindNames(schema::monitorKinds()));
    if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(kindLabel.range, close);
    else b.note(Range{}, "kinds: " + quotedList(schema::kindNames(schema::monitorKinds())));
    return std::nullopt;
  }
  ir::Monitor m;
  for (const auto& [name, k] : kKinds)
    if (kindLabel.str == name) m.kind = k;
  m.range = obj.range;
  for (const Note& n : obj.loopSteps) m.loopSteps.push_back(ir::LoopStep{n.range, n.message});
  m.madeBy = ir::MadeBy{obj.useSites, obj.useTemplates};
  m.nameRange = nameRangeOf(obj);
  bool ok = true;
  if (obj.labels.size() >= 2 && obj.labels[1].kind == ValueKind::String) {
    m.name = obj.labels[1].str;
    if (m.name.empty()) {
      diags.report(obj.labels[1].range, diag::err_empty_name, {"monitor"});
      ok = false;
    }
  } else if (m.kind == ir::MonitorKind::Connectivity) {
    m.name = "connectivity";  // the API's default name
  } else {
    diags.report(obj.labels.size() >= 2 ? obj.labels[1].range : kindLabel.range, diag::err_missing_label,
                 {std::string(kind->what), "a quoted name, e.g. monitor " + kindLabel.str + " \"CPU high\""});
    ok = false;
  }
  if (obj.labels.size() > 2) {
    diags.report(obj.labels[2].range, diag::err_extra_label, {"a monitor"});
    ok = false;
  }
  ok = checkFieldsOnly(obj, "a monitor", diags) && ok;
  ok = lowerFields(obj, *kind, m.props, diags) && ok;
  ok = checkRequired(obj, *kind, m.props, diags) && ok;
  if (const ir::Prop* raw = m.props.find("raw")) m.raw = raw->value;
  if (const ir::Prop* labels = m.props.find("labels"))
    for (auto it = labels->value.begin(); it != labels->value.end(); ++it) m.labels[it.key()] = it.value().get<std::string>();
  if (const ir::Prop* targets = m.props.find("targets")) {
    for (const auto& t : targets->value) m.targets.push_back(t.get<std::string>());
    m.targetRanges = targetRangesOf(obj, *targets);
  }
  if (const ir::Prop* channels = m.props.find("channels")) {
    const Field* written = obj.field("channels");
    for (size_t i = 0; i < channels->value.size(); ++i) {
      m.channels.push_back(channels->value[i].get<std::string>());
      m.channelRanges.push_back(written && i < written->value.items.size() ? written->value.items[i].range : channels->range);
    }
  }
  ok = crossFieldRules(obj, *kind, m, diags) && ok;
  if (!ok) return std::nullopt;
  return m;
}

std::optional<ir::Target> lowerTarget(const Object& obj, DiagEngine& diags) {
  if (obj.labels.size() != 2 || obj.labels[0].kind != ValueKind::Word || obj.labels[1].kind != ValueKind::String) {
    diags.report(obj.typeRange, diag::err_missing_label, {"target", "a kind and a quoted name, e.g. target mackerel \"prod\""});
    return std::nullopt;
  }
  const schema::Kind* kind = schema::findKind(schema::targetKinds(), obj.labels[0].str);
  if (!kind) {
    auto b = diags.report(obj.labels[0].range, diag::err_unknown_kind, {"target", obj.labels[0].str});
    std::string close = closestMatch(obj.labels[0].str, schema::kindNames(schema::targetKinds()));
    if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?").fix(obj.labels[0].range, close);
    return std::nullopt;
  }
  ir::Target t;
  t.kind = kind->name;
  t.name = obj.labels[1].str;
  t.range = obj.range;
  bool ok = lowerFields(obj, *kind, t.props, diags);
  ok = checkRequired(obj, *kind, t.props, diags) && ok;
  if (!ok) return std::nullopt;
  return t;
}

void checkDefaults(const Object& obj, DiagEngine& diags) {
  if (!obj.labels.empty()) diags.report(obj.labels[0].range, diag::err_extra_label, {"the defaults block"});
  checkFieldsOnly(obj, "a defaults block", diags);
  ir::Props props;
  lowerFields(obj, schema::defaultsKind(), props, diags);
}

}  // namespace mon
