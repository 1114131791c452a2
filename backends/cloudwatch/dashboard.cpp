// IR dashboards as CloudWatch dashboard bodies: graph -> metric widget (timeSeries), value ->
// metric widget (singleValue), markdown -> text widget; the query is a metric math or Metrics
// Insights expression, as a query monitor's (mapping.cpp).
#include "cloudwatch/dashboard.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "ownership.h"

namespace mon::cloudwatch {

namespace {

using Json = ir::Json;

struct Ctx {
  const ir::Dashboard& d;
  const ir::Target& target;
  DiagEngine& diags;
  bool ok = true;
};

void dropped(Ctx& c, const ir::Widget& w, const char* field, const std::string& why) {
  if (!w.props.has(field)) return;
  c.diags.report(w.props.rangeOf(field, w.range), diag::warn_target_drops_field,
                 {field, std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name, why});
}

void cannot(Ctx& c, const ir::Widget& w, Range at, const std::string& why) {
  c.diags.report(at, diag::err_target_cannot_express,
                 {std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name, why})
      .note(c.d.range, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
  c.ok = false;
}

// Widget `raw` keys laid over the widget's properties: maps merge key by key, anything else
// replaces, except `metrics`, which is appended (the metrics an expression reads, as a query
// monitor's raw.Metrics).
void mergeRaw(Json& into, const Json& raw) {
  for (auto it = raw.begin(); it != raw.end(); ++it) {
    if (it.value().is_object() && into.contains(it.key()) && into[it.key()].is_object()) mergeRaw(into[it.key()], it.value());
    else into[it.key()] = it.value();
  }
}

// "-PT3H": an ISO 8601 duration before now, in the largest unit that holds it.
std::string before(long long seconds) {
  if (seconds % 3600 == 0) return "-PT" + std::to_string(seconds / 3600) + "H";
  if (seconds % 60 == 0) return "-PT" + std::to_string(seconds / 60) + "M";
  return "-PT" + std::to_string(seconds) + "S";
}

Json layout(const ir::Widget& w, int shift, const char* type) {
  return {{"type", type}, {"x", w.layout.x}, {"y", w.layout.y + shift}, {"width", w.layout.width}, {"height", w.layout.height}};
}

Json metricWidget(Ctx& c, const ir::Widget& w, int shift, const std::string& region) {
  if (!w.props.has("query")) {
    std::string src = w.props.has("expression") ? "expression" : w.props.has("host_id") ? "host_id" : w.props.has("role") ? "role" : "service";
    cannot(c, w, w.props.rangeOf(src, w.range),
           "its '" + src + "' data source exists only in Mackerel (use 'query' with a metric math or Metrics Insights expression)");
    return nullptr;
  }
  bool graph = w.kind == ir::WidgetKind::Graph;
  Json expr = {{"expression", w.props.str("query")}};
  if (w.props.has("legend")) expr["label"] = w.props.str("legend");
  expr["id"] = "q1";
  Json p = {{"metrics", Json::array({Json::array({expr})})}, {"view", graph ? "timeSeries" : "singleValue"}};
  if (!region.empty()) p["region"] = region;
  if (!w.title.empty()) p["title"] = w.title;
  if (graph) {
    if (const ir::Prop* st = w.props.find("stacked"); st && st->value == true) p["stacked"] = true;
    Json left = Json::object();
    if (const ir::Prop* vr = w.props.find("value_range")) {
      if (vr->value.contains("min")) left["min"] = vr->value["min"];
      if (vr->value.contains("max")) left["max"] = vr->value["max"];
    }
    if (std::string unit = w.props.str("unit"); !unit.empty()) left["label"] = unit;
    if (!left.empty()) p["yAxis"] = {{"left", left}};
    if (const ir::Prop* rl = w.props.find("reference_lines"); rl && !rl->value.empty()) {
      Json lines = Json::array();
      for (const auto& l : rl->value) {
        Json a = {{"value", l.value("value", 0.0)}};
        if (l.contains("label")) a["label"] = l["label"];
        lines.push_back(a);
      }
      p["annotations"] = {{"horizontal", lines}};
    }
    if (const ir::Prop* r = w.props.find("range")) {
      if (r->value.value("type", "") == "relative" && r->value.value("offset", 0LL) == 0) p["start"] = before(r->value.value("period", 0LL));
      else dropped(c, w, "range", "a CloudWatch widget's own range is taken relative to now, without an offset");
    }
    dropped(c, w, "legend_list", "use 'legend' on the query");
  } else {
    dropped(c, w, "fraction_size", "a single value widget shows the value's own precision");
    dropped(c, w, "suffix", "a single value widget shows the metric's unit");
    dropped(c, w, "format_rules", "a single value widget has no thresholds");
  }
  Json out = layout(w, shift, "metric");
  out["properties"] = p;
  return out;
}

void appendRaw(Json& widget, const Json& raw) {
  Json props = widget["properties"];
  Json extra = raw;
  if (extra.contains("metrics") && extra["metrics"].is_array() && props.contains("metrics")) {
    for (const auto& m : extra["metrics"]) props["metrics"].push_back(m);
    extra.erase("metrics");
  }
  mergeRaw(props, extra);
  widget["properties"] = props;
}

nlohmann::json sorted(const Json& j) { return nlohmann::json::parse(j.dump()); }

}  // namespace

std::string headerMarkdown(const std::string& title, const std::string& memo) {
  return "# " + title + "\n\n" + (memo.empty() ? "" : memo + "\n\n") + std::string(engine::kOwnerMarker);
}

int headerHeight(const std::string& memo) { return memo.empty() ? 2 : 4; }

bool readHeader(const Json& w, std::string& title, std::string& memo) {
  if (!w.is_object() || w.value("type", "") != "text" || w.value("x", -1) != 0 || w.value("y", -1) != 0 || w.value("width", 0) != 24)
    return false;
  const Json p = w.value("properties", Json::object());
  if (!p.is_object() || !p.contains("markdown") || !p["markdown"].is_string()) return false;
  std::string md = p["markdown"].get<std::string>();
  if (!engine::hasOwnerMarker(md) || md.rfind("# ", 0) != 0) return false;
  std::string rest = engine::stripOwnerMarker(md);
  size_t nl = rest.find('\n');
  title = rest.substr(2, nl == std::string::npos ? std::string::npos : nl - 2);
  memo = nl == std::string::npos ? "" : rest.substr(nl);
  while (!memo.empty() && memo.front() == '\n') memo.erase(memo.begin());
  while (!memo.empty() && memo.back() == '\n') memo.pop_back();
  return w.value("height", 0) == headerHeight(memo);
}

Json dashboardBody(const ir::Dashboard& d, const ir::Target& target, const std::string& region, DiagEngine& diags) {
  Ctx c{d, target, diags};
  if (std::string why = checkDashboardName(d.urlPath); !why.empty()) {
    diags.report(d.range, diag::err_target_cannot_express, {"dashboard", d.title, target.kind, target.name, "url_path: " + why})
        .note(Range{}, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
    return nullptr;
  }
  int shift = headerHeight(d.memo);
  Json widgets = Json::array();
  widgets.push_back({{"type", "text"}, {"x", 0}, {"y", 0}, {"width", 24}, {"height", shift},
                     {"properties", {{"markdown", headerMarkdown(d.title, d.memo)}}}});
  for (const auto& w : d.widgets) {
    if (w.raw.contains("cloudwatch_widget") && w.raw["cloudwatch_widget"].is_object()) {
      // Imported as CloudWatch had it (alarm, log, explorer widgets, plain metric lists ...):
      // the widget as given, at the widget's place, with its title.
      Json x = layout(w, shift, "");
      Json given = w.raw["cloudwatch_widget"];
      for (auto it = x.begin(); it != x.end(); ++it)
        if (it.key() != "type") given[it.key()] = it.value();
      if (!w.title.empty() && given.contains("properties") && given["properties"].is_object()) given["properties"]["title"] = w.title;
      widgets.push_back(given);
      continue;
    }
    Json out;
    switch (w.kind) {
      case ir::WidgetKind::Graph:
      case ir::WidgetKind::Value: {
        std::string r = w.raw.contains("region") && w.raw["region"].is_string() ? w.raw["region"].get<std::string>() : region;
        out = metricWidget(c, w, shift, r);
        break;
      }
      case ir::WidgetKind::Markdown:
        out = layout(w, shift, "text");
        out["properties"] = {{"markdown", w.props.str("text")}};
        break;
      case ir::WidgetKind::AlertStatus:
        cannot(c, w, w.props.rangeOf("role", w.range),
               "CloudWatch's alarm status widget lists alarms by ARN, not by a Mackerel role (write the widget in raw.cloudwatch_widget)");
        break;
    }
    if (out.is_null()) continue;
    if (!w.raw.empty()) appendRaw(out, w.raw);
    widgets.push_back(std::move(out));
  }
  if (!c.ok) return nullptr;
  Json body = Json::object();
  // Dashboard `raw`: the body's own settings (start, end, periodOverride, variables).
  for (auto it = d.raw.begin(); it != d.raw.end(); ++it)
    if (it.key() != "widgets") body[it.key()] = it.value();
  body["widgets"] = widgets;
  if (std::string why = checkDashboardBody(body, !region.empty()); !why.empty()) {
    diags.report(d.range, diag::err_target_cannot_express, {"dashboard", d.title, target.kind, target.name, why})
        .note(Range{}, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
    return nullptr;
  }
  return body;
}

std::string checkDashboardName(const std::string& name) {
  if (name.empty() || name.size() > 255) return "a dashboard name has 1 to 255 characters";
  for (char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
      return "a CloudWatch dashboard name takes only A-Z, a-z, 0-9, '-' and '_' ('" + name + "')";
  return "";
}

std::string checkDashboardBody(const Json& body, bool needRegion) {
  if (!body.is_object() || !body.contains("widgets") || !body["widgets"].is_array()) return "a dashboard body needs a widgets list";
  const Json& ws = body["widgets"];
  if (ws.size() > 500) return "a dashboard has at most 500 widgets";
  size_t total = 0;
  for (size_t i = 0; i < ws.size(); ++i) {
    const Json& w = ws[i];
    std::string at = "widget " + std::to_string(i + 1) + ": ";
    if (!w.is_object() || !w.contains("type") || !w["type"].is_string()) return at + "a widget needs a type";
    auto within = [&](const char* k, long long lo, long long hi) {
      return !w.contains(k) || (w[k].is_number_integer() && w[k].get<long long>() >= lo && w[k].get<long long>() <= hi);
    };
    if (!within("x", 0, 23) || !within("y", 0, 1LL << 40) || !within("width", 1, 24) || !within("height", 1, 1000))
      return at + "x is 0-23, y 0 or more, width 1-24, height 1-1000";
    if (!w.contains("properties") || !w["properties"].is_object()) return at + "a widget needs its properties";
    const Json& p = w["properties"];
    std::string type = w["type"].get<std::string>();
    if (type == "text" && (!p.contains("markdown") || !p["markdown"].is_string())) return at + "a text widget needs markdown";
    if (type == "metric") {
      if (!p.contains("metrics") || !p["metrics"].is_array()) return at + "a metric widget needs a metrics list";
      if (needRegion && (!p.contains("region") || !p["region"].is_string())) return at + "a metric widget needs its region";
      if (p["metrics"].size() > 500) return at + "a widget shows at most 500 metrics";
      total += p["metrics"].size();
    }
  }
  if (total > 2500) return "a dashboard shows at most 2500 metrics across its widgets";
  return "";
}

Json canonicalDashboard(const Json& body) { return Json::parse(sorted(body).dump()); }

}  // namespace mon::cloudwatch
