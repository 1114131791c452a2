#include "ir/ir.h"

#include <cstdio>

namespace mon::ir {

const char* kindName(MonitorKind k) {
  switch (k) {
    case MonitorKind::Host: return "host";
    case MonitorKind::Connectivity: return "connectivity";
    case MonitorKind::Service: return "service";
    case MonitorKind::External: return "external";
    case MonitorKind::Expression: return "expression";
    case MonitorKind::AnomalyDetection: return "anomaly_detection";
    case MonitorKind::Query: return "query";
  }
  return "";
}

const char* kindName(WidgetKind k) {
  switch (k) {
    case WidgetKind::Graph: return "graph";
    case WidgetKind::Value: return "value";
    case WidgetKind::Markdown: return "markdown";
    case WidgetKind::AlertStatus: return "alert_status";
  }
  return "";
}

namespace {

Json where(const SourceManager& sm, Range r) {
  if (!r.valid()) return nullptr;
  LineCol lc = sm.lineCol(r.file, r.begin);
  return sm.path(r.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

Json props(const Props& p) {
  Json j = Json::object();
  for (const auto& prop : p.list) j[prop.name] = prop.value;
  return j;
}

}  // namespace

Json toJson(const Module& m, const SourceManager& sm) {
  Json out = {{"monitors", Json::array()}, {"dashboards", Json::array()}, {"targets", Json::array()}};
  for (const auto& mon : m.monitors) {
    Json j = {{"kind", kindName(mon.kind)}, {"name", mon.name}, {"source", where(sm, mon.range)}, {"fields", props(mon.props)}};
    if (!mon.labels.empty()) j["labels"] = mon.labels;
    if (!mon.targets.empty()) j["targets"] = mon.targets;
    if (!mon.raw.empty()) j["raw"] = mon.raw;
    out["monitors"].push_back(std::move(j));
  }
  for (const auto& d : m.dashboards) {
    Json j = {{"title", d.title}, {"url_path", d.urlPath}, {"memo", d.memo}, {"source", where(sm, d.range)}};
    j["widgets"] = Json::array();
    for (const auto& w : d.widgets) {
      Json wj = {{"kind", kindName(w.kind)}, {"title", w.title}, {"source", where(sm, w.range)},
                 {"layout", {{"x", w.layout.x}, {"y", w.layout.y}, {"width", w.layout.width}, {"height", w.layout.height}}},
                 {"fields", props(w.props)}};
      if (!w.raw.empty()) wj["raw"] = w.raw;
      j["widgets"].push_back(std::move(wj));
    }
    if (!d.raw.empty()) j["raw"] = d.raw;
    out["dashboards"].push_back(std::move(j));
  }
  // Only when there are any, so `--emit ir` of existing sources is unchanged.
  if (!m.rules.empty()) {
    Json records = Json::array(), alerts = Json::array();
    for (const auto& r : m.rules) {
      Json j = {{"name", r.name}, {"source", where(sm, r.range)}, {"expr", r.expr}};
      if (r.isAlert()) {
        if (const ir::Prop* p = r.props.find("for_duration")) j["for_seconds"] = p->value;
        if (const ir::Prop* p = r.props.find("keep_firing_for")) j["keep_firing_for_seconds"] = p->value;
      }
      if (!r.labels.empty()) j["labels"] = r.labels;
      if (!r.annotations.empty()) j["annotations"] = r.annotations;
      if (!r.targets.empty()) j["targets"] = r.targets;
      (r.isAlert() ? alerts : records).push_back(std::move(j));
    }
    if (!records.empty()) out["records"] = std::move(records);
    if (!alerts.empty()) out["alerts"] = std::move(alerts);
  }
  // Routing, also only when written.
  for (const auto& c : m.channels)
    out["channels"].push_back({{"kind", c.kind}, {"name", c.name}, {"source", where(sm, c.range)}, {"fields", props(c.props)}});
  for (const auto& r : m.routes) {
    Json j = {{"name", r.name}, {"source", where(sm, r.range)}, {"channels", r.channels}, {"continue", r.continues}};
    if (!r.severities.empty()) j["severity"] = r.severities;
    if (!r.match.empty()) j["match"] = r.match;
    if (!r.scopes.empty()) j["scopes"] = r.scopes;
    if (!r.monitors.empty()) j["monitors"] = r.monitors;
    if (!r.groupBy.empty()) j["group_by"] = r.groupBy;
    for (const char* k : {"group_wait", "group_interval", "repeat_interval"})
      if (const Prop* p = r.props.find(k)) j[std::string(k) + "_seconds"] = p->value;
    out["routes"].push_back(std::move(j));
  }
  for (const auto& w : m.maintenances) {
    auto at = [&](const LocalTime& t) {
      char buf[32];
      if (w.weekly) std::snprintf(buf, sizeof buf, "%02d:%02d", t.minute / 60, t.minute % 60);
      else std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.minute / 60, t.minute % 60);
      return std::string(buf);
    };
    Json j = {{"name", w.name}, {"source", where(sm, w.range)}, {"start", at(w.start)}, {"end", at(w.end)},
              {"time_zone", w.timeZone}};
    if (w.weekly) j["weekdays"] = w.weekdays;
    if (!w.scopes.empty()) j["scopes"] = w.scopes;
    if (!w.monitors.empty()) j["monitors"] = w.monitors;
    out["maintenances"].push_back(std::move(j));
  }
  for (const auto& t : m.routeTests)
    out["route_tests"].push_back({{"name", t.name}, {"source", where(sm, t.range)}, {"labels", t.labels}, {"expect", t.expect}});
  for (const auto& t : m.targets)
    out["targets"].push_back({{"kind", t.kind}, {"name", t.name}, {"source", where(sm, t.range)}, {"fields", props(t.props)}});
  return out;
}

}  // namespace mon::ir
