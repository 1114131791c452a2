#include "mackerel/api_json.h"

namespace mon::mackerel {

namespace {

// `raw.grafana_panel` and `raw.grafana_dashboard` are what a Grafana import keeps for the
// Grafana backend; they are no Mackerel API keys.
bool grafanaOnly(const std::string& key) { return key.rfind("grafana_", 0) == 0; }


using Json = ir::Json;

// Adds `key` from a prop when it is set and not a zero value (Go's omitempty).
void omitEmpty(Json& j, const char* key, const ir::Props& p, const char* name) {
  const ir::Prop* x = p.find(name);
  if (!x) return;
  const Json& v = x->value;
  if ((v.is_string() && v.get<std::string>().empty()) || (v.is_boolean() && !v.get<bool>()) ||
      (v.is_number() && v.get<double>() == 0) || (v.is_array() && v.empty()) || v.is_null())
    return;
  j[key] = v;
}

// Adds `key` whenever the prop is set, zero included (the API's pointer fields).
void ifSet(Json& j, const char* key, const ir::Props& p, const char* name) {
  if (const ir::Prop* x = p.find(name)) j[key] = x->value;
}

// warning/critical are always written: null when unset.
void thresholds(Json& j, const ir::Props& p) {
  const ir::Prop* w = p.find("warning");
  const ir::Prop* c = p.find("critical");
  j["warning"] = w ? w->value : Json(nullptr);
  j["critical"] = c ? c->value : Json(nullptr);
}

void head(Json& j, const ir::Monitor& m, bool typeHere = true) {
  j["name"] = m.name;
  omitEmpty(j, "memo", m.props, "memo");
  if (typeHere) j["type"] = apiType(m.kind);
  omitEmpty(j, "isMute", m.props, "is_mute");
  omitEmpty(j, "notificationInterval", m.props, "notification_interval");
}

Json attempts(const ir::Props& p, int dflt) {
  const ir::Prop* x = p.find("max_check_attempts");
  return x ? x->value : Json(dflt);
}

}  // namespace

const char* apiType(ir::MonitorKind k) {
  switch (k) {
    case ir::MonitorKind::Host: return "host";
    case ir::MonitorKind::Connectivity: return "connectivity";
    case ir::MonitorKind::Service: return "service";
    case ir::MonitorKind::External: return "external";
    case ir::MonitorKind::Expression: return "expression";
    case ir::MonitorKind::AnomalyDetection: return "anomalyDetection";
    case ir::MonitorKind::Query: return "query";
  }
  return "";
}

Json monitorToApi(const ir::Monitor& m) {
  Json j = Json::object();
  const ir::Props& p = m.props;
  switch (m.kind) {
    case ir::MonitorKind::Connectivity: {
      j["name"] = m.name;
      omitEmpty(j, "memo", p, "memo");
      const ir::Prop* gone = p.find("alert_status_on_gone");
      j["alertStatusOnGone"] = gone ? gone->value : Json("CRITICAL");
      j["type"] = "connectivity";
      omitEmpty(j, "isMute", p, "is_mute");
      omitEmpty(j, "notificationInterval", p, "notification_interval");
      omitEmpty(j, "scopes", p, "scopes");
      omitEmpty(j, "excludeScopes", p, "exclude_scopes");
      break;
    }
    case ir::MonitorKind::Host:
      head(j, m);
      j["metric"] = p.str("metric");
      j["operator"] = p.str("operator");
      thresholds(j, p);
      omitEmpty(j, "duration", p, "duration");
      j["maxCheckAttempts"] = attempts(p, 1);
      omitEmpty(j, "scopes", p, "scopes");
      omitEmpty(j, "excludeScopes", p, "exclude_scopes");
      break;
    case ir::MonitorKind::Service:
      head(j, m);
      j["service"] = p.str("service");
      j["metric"] = p.str("metric");
      j["operator"] = p.str("operator");
      thresholds(j, p);
      omitEmpty(j, "duration", p, "duration");
      j["maxCheckAttempts"] = attempts(p, 1);
      omitEmpty(j, "missingDurationWarning", p, "missing_duration_warning");
      omitEmpty(j, "missingDurationCritical", p, "missing_duration_critical");
      break;
    case ir::MonitorKind::External: {
      head(j, m);
      j["method"] = p.has("method") ? p.find("method")->value : Json("GET");
      j["url"] = p.str("url");
      j["maxCheckAttempts"] = attempts(p, 1);
      omitEmpty(j, "service", p, "service");
      ifSet(j, "responseTimeCritical", p, "response_time_critical");
      ifSet(j, "responseTimeWarning", p, "response_time_warning");
      ifSet(j, "responseTimeDuration", p, "response_time_duration");
      omitEmpty(j, "requestBody", p, "request_body");
      omitEmpty(j, "containsString", p, "contains_string");
      ifSet(j, "certificationExpirationCritical", p, "certification_expiration_critical");
      ifSet(j, "certificationExpirationWarning", p, "certification_expiration_warning");
      omitEmpty(j, "skipCertificateVerification", p, "skip_certificate_verification");
      omitEmpty(j, "followRedirect", p, "follow_redirect");
      ifSet(j, "expectedStatusCode", p, "expected_status_code");
      // Always sent: on PUT an omitted list keeps whatever headers the server had.
      Json headers = Json::array();
      if (const ir::Prop* h = p.find("headers"))
        for (auto it = h->value.begin(); it != h->value.end(); ++it) headers.push_back({{"name", it.key()}, {"value", it.value()}});
      j["headers"] = headers;
      omitEmpty(j, "dualstack", p, "dualstack");
      break;
    }
    case ir::MonitorKind::Expression:
      head(j, m);
      j["expression"] = p.str("expression");
      j["operator"] = p.str("operator");
      thresholds(j, p);
      ifSet(j, "evaluateBackwardMinutes", p, "evaluate_backward_minutes");
      break;
    case ir::MonitorKind::AnomalyDetection: {
      head(j, m);
      omitEmpty(j, "warningSensitivity", p, "warning_sensitivity");
      omitEmpty(j, "criticalSensitivity", p, "critical_sensitivity");
      omitEmpty(j, "trainingPeriodFrom", p, "training_period_from");
      j["maxCheckAttempts"] = attempts(p, 3);
      const ir::Prop* s = p.find("scopes");
      j["scopes"] = s ? s->value : Json::array();
      break;
    }
    case ir::MonitorKind::Query:
      head(j, m);
      j["query"] = p.str("query");
      j["operator"] = p.str("operator");
      thresholds(j, p);
      omitEmpty(j, "legend", p, "legend");
      ifSet(j, "evaluateBackwardMinutes", p, "evaluate_backward_minutes");
      break;
  }
  for (auto it = m.raw.begin(); it != m.raw.end(); ++it) j[it.key()] = it.value();
  return j;
}

namespace {

Json layout(const ir::Layout& l) { return {{"x", l.x}, {"y", l.y}, {"width", l.width}, {"height", l.height}}; }

// The data source of a graph (graph=true) or value widget, in client-go's key order.
Json source(const ir::Widget& w, bool graph) {
  const ir::Props& p = w.props;
  Json j = Json::object();
  if (p.has("query")) {
    j["type"] = "query";
    j["query"] = p.str("query");
    j["legend"] = p.str("legend");
    return j;
  }
  if (p.has("expression")) {
    j["type"] = "expression";
    j["expression"] = p.str("expression");
    return j;
  }
  if (p.has("host_id")) {
    j["type"] = "host";
    j["name"] = p.str("metric");
    j["hostId"] = p.str("host_id");
    return j;
  }
  if (graph && p.has("role")) {
    j["type"] = "role";
    j["name"] = p.str("metric");
    j["roleFullname"] = p.str("role");
    // Only when set: client-go omits a false isStacked (mackerel-api.md §3.7), so mkr never shows it.
    ifSet(j, "isStacked", p, "stacked");
    return j;
  }
  j["type"] = "service";
  j["name"] = p.str("metric");
  j["serviceName"] = p.str("service");
  return j;
}

Json widget(const ir::Widget& w) {
  Json j = Json::object();
  const ir::Props& p = w.props;
  switch (w.kind) {
    case ir::WidgetKind::Graph:
      j["type"] = "graph";
      j["title"] = w.title;
      j["layout"] = layout(w.layout);
      j["graph"] = source(w, true);
      ifSet(j, "range", p, "range");
      ifSet(j, "valueRange", p, "value_range");
      j["referenceLines"] = p.has("reference_lines") ? p.find("reference_lines")->value : Json::array();
      ifSet(j, "legendList", p, "legend_list");
      break;
    case ir::WidgetKind::Value:
      j["type"] = "value";
      j["title"] = w.title;
      j["layout"] = layout(w.layout);
      j["metric"] = source(w, false);
      ifSet(j, "fractionSize", p, "fraction_size");
      omitEmpty(j, "suffix", p, "suffix");
      j["formatRules"] = p.has("format_rules") ? p.find("format_rules")->value : Json::array();
      break;
    case ir::WidgetKind::Markdown:
      j["type"] = "markdown";
      j["title"] = w.title;
      j["layout"] = layout(w.layout);
      j["markdown"] = p.str("text");
      break;
    case ir::WidgetKind::AlertStatus:
      j["type"] = "alertStatus";
      j["title"] = w.title;
      j["layout"] = layout(w.layout);
      j["roleFullname"] = p.str("role");
      break;
  }
  for (auto it = w.raw.begin(); it != w.raw.end(); ++it)
    if (!grafanaOnly(it.key())) j[it.key()] = it.value();
  return j;
}

}  // namespace

Json dashboardToApi(const ir::Dashboard& d) {
  Json j = {{"title", d.title}, {"urlPath", d.urlPath}, {"memo", d.memo}};
  j["widgets"] = Json::array();
  for (const auto& w : d.widgets) j["widgets"].push_back(widget(w));
  for (auto it = d.raw.begin(); it != d.raw.end(); ++it)
    if (!grafanaOnly(it.key())) j[it.key()] = it.value();
  return j;
}

}  // namespace mon::mackerel
