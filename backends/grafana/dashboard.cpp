// Classic Grafana dashboard JSON from an IR dashboard: graph -> timeseries, value -> stat,
// markdown -> text, alert_status -> alertlist, on the IR's 24-column layout.
#include "grafana/grafana.h"
#include "prometheus/promql.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;

struct Ctx {
  const TargetSettings& settings;
  const ir::Target& target;
  const ir::Dashboard& dashboard;
  DiagEngine& diags;
  bool ok = true;
};

Range propRange(const ir::Widget& w, const char* name) {
  const ir::Prop* p = w.props.find(name);
  return p ? p->range : w.range;
}

void dropped(Ctx& c, const ir::Widget& w, const char* field, const std::string& why) {
  c.diags.report(propRange(w, field), diag::warn_target_drops_field,
                 {field, std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name, why});
}

Json datasource(const Ctx& c) { return {{"type", "prometheus"}, {"uid", c.settings.datasource}}; }

Json steps(Json list) { return {{"mode", "absolute"}, {"steps", std::move(list)}}; }

// The PromQL target of a graph or value widget; null (and an error) for Mackerel-only sources.
Json queryTarget(Ctx& c, const ir::Widget& w) {
  if (!w.props.has("query")) {
    std::string src = w.props.has("expression") ? "expression" : w.props.has("host_id") ? "host_id"
                      : w.props.has("role")     ? "role"
                                                : "service";
    c.diags.report(propRange(w, src.c_str()), diag::err_target_cannot_express,
                   {std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name,
                    "its '" + src + "' data source exists only in Mackerel (use 'query' with PromQL)"})
        .note(c.dashboard.range, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
    c.ok = false;
    return nullptr;
  }
  Json t = {{"refId", "A"}, {"datasource", datasource(c)}, {"expr", w.props.str("query")}};
  if (w.props.has("legend")) t["legendFormat"] = w.props.str("legend");
  return t;
}

Json panelBase(const ir::Widget& w, int id, const char* type) {
  return {{"id", id},
          {"type", type},
          {"title", w.title},
          {"gridPos", {{"x", w.layout.x}, {"y", w.layout.y}, {"w", w.layout.width}, {"h", w.layout.height}}}};
}

void timeRange(Ctx& c, const ir::Widget& w, Json& p) {
  const ir::Prop* r = w.props.find("range");
  if (!r) return;
  if (r->value.value("type", "") != "relative") return dropped(c, w, "range", "Grafana panels take relative ranges only");
  p["timeFrom"] = promql::duration(r->value.value("period", 0LL));
  long long off = r->value.value("offset", 0LL);
  if (off < 0) p["timeShift"] = promql::duration(-off);
  if (off > 0) dropped(c, w, "range", "a positive offset points into the future");
}

// A panel of `type` reading the widget's query from the target's data source; null when the
// widget's source cannot be expressed as a query (reported by queryTarget).
Json queryPanel(Ctx& c, const ir::Widget& w, int id, const char* type) {
  Json t = queryTarget(c, w);
  if (t.is_null()) return nullptr;
  Json p = panelBase(w, id, type);
  p["datasource"] = datasource(c);
  p["targets"] = Json::array({t});
  return p;
}

Json graph(Ctx& c, const ir::Widget& w, int id) {
  Json p = queryPanel(c, w, id, "timeseries");
  if (p.is_null()) return nullptr;
  Json defaults = Json::object();
  if (const ir::Prop* vr = w.props.find("value_range")) {
    if (vr->value.contains("min")) defaults["min"] = vr->value["min"];
    if (vr->value.contains("max")) defaults["max"] = vr->value["max"];
  }
  Json custom = Json::object();
  if (const ir::Prop* st = w.props.find("stacked"); st && st->value == true)
    custom["stacking"] = {{"mode", "normal"}, {"group", "A"}};
  if (const ir::Prop* rl = w.props.find("reference_lines"); rl && !rl->value.empty()) {
    Json list = Json::array({{{"color", "green"}, {"value", nullptr}}});
    for (const auto& line : rl->value) list.push_back({{"color", "red"}, {"value", line.value("value", 0.0)}});
    defaults["thresholds"] = steps(list);
    custom["thresholdsStyle"] = {{"mode", "line"}};
  }
  if (!custom.empty()) defaults["custom"] = custom;
  p["fieldConfig"] = {{"defaults", defaults}, {"overrides", Json::array()}};
  p["options"] = {{"legend", {{"displayMode", "list"}, {"placement", "bottom"}, {"showLegend", true}, {"calcs", Json::array()}}},
                  {"tooltip", {{"mode", "single"}, {"sort", "none"}}}};
  timeRange(c, w, p);
  if (w.props.has("legend_list")) dropped(c, w, "legend_list", "use 'legend' on the query");
  return p;
}

Json stat(Ctx& c, const ir::Widget& w, int id) {
  Json p = queryPanel(c, w, id, "stat");
  if (p.is_null()) return nullptr;
  Json defaults = Json::object();
  if (std::string suffix = w.props.str("suffix"); !suffix.empty()) defaults["unit"] = "suffix:" + suffix;
  if (const ir::Prop* f = w.props.find("fraction_size")) defaults["decimals"] = f->value;
  if (const ir::Prop* fr = w.props.find("format_rules"); fr && !fr->value.empty()) {
    const Json& r = fr->value[0];
    bool above = r.value("operator", ">") == ">";
    defaults["thresholds"] = steps(Json::array({{{"color", above ? "green" : "red"}, {"value", nullptr}},
                                                {{"color", above ? "red" : "green"}, {"value", r.value("threshold", 0.0)}}}));
    defaults["color"] = {{"mode", "thresholds"}};
  }
  p["fieldConfig"] = {{"defaults", defaults}, {"overrides", Json::array()}};
  p["options"] = {{"reduceOptions", {{"calcs", Json::array({"lastNotNull"})}, {"fields", ""}, {"values", false}}},
                  {"graphMode", "none"},
                  {"colorMode", "value"},
                  {"justifyMode", "auto"},
                  {"textMode", "auto"},
                  {"wideLayout", true},
                  {"showPercentChange", false},
                  {"percentChangeColorMode", "standard"},
                  {"orientation", "auto"}};
  return p;
}

// Widget `raw` keys laid over the generated panel: maps merge key by key, anything else
// replaces (so `raw = { fieldConfig = { defaults = { unit = "s" } } }` keeps the rest).
void mergeRaw(Json& into, const Json& raw) {
  for (auto it = raw.begin(); it != raw.end(); ++it) {
    if (it.value().is_object() && into.contains(it.key()) && into[it.key()].is_object()) mergeRaw(into[it.key()], it.value());
    else into[it.key()] = it.value();
  }
}

Json text(const ir::Widget& w, int id) {
  Json p = panelBase(w, id, "text");
  p["options"] = {{"mode", "markdown"}, {"content", w.props.str("text")}};
  return p;
}

Json alertList(const ir::Widget& w, int id) {
  Json p = panelBase(w, id, "alertlist");
  std::string role = w.props.str("role");
  std::string filter;  // appended piece by piece: GCC 12 -Wrestrict false positive on "lit" + string&&
  if (!role.empty()) {
    filter = "{";
    filter += promql::scopeMatchers(role);
    filter += "}";
  }
  p["options"] = {{"viewMode", "list"},
                  {"groupMode", "default"},
                  {"maxItems", 20},
                  {"sortOrder", 1},
                  {"dashboardAlerts", false},
                  {"alertName", ""},
                  {"alertInstanceLabelFilter", filter},
                  {"stateFilter", {{"firing", true}, {"pending", true}, {"noData", false}, {"normal", false}, {"error", true}}}};
  return p;
}

}  // namespace

Json dashboardJson(const ir::Dashboard& d, const TargetSettings& t, const ir::Target& target, DiagEngine& diags) {
  Ctx c{t, target, d, diags};
  Json panels = Json::array();
  int id = 0;
  for (const auto& w : d.widgets) {
    ++id;
    Json p;
    if (w.raw.contains("grafana_panel") && w.raw["grafana_panel"].is_object()) {
      p = panelBase(w, id, "");  // passed through by import: the panel as it was, placed here
      for (auto it = w.raw["grafana_panel"].begin(); it != w.raw["grafana_panel"].end(); ++it)
        if (it.key() != "id" && it.key() != "gridPos") p[it.key()] = it.value();
      panels.push_back(std::move(p));
      continue;
    }
    switch (w.kind) {
      case ir::WidgetKind::Graph: p = graph(c, w, id); break;
      case ir::WidgetKind::Value: p = stat(c, w, id); break;
      case ir::WidgetKind::Markdown: p = text(w, id); break;
      case ir::WidgetKind::AlertStatus: p = alertList(w, id); break;
    }
    if (p.is_null()) continue;
    if (w.raw.is_object()) mergeRaw(p, w.raw);
    panels.push_back(std::move(p));
  }
  if (!c.ok) return nullptr;
  Json j = {{"uid", dashboardUid(d.urlPath)},
            {"title", d.title},
            {"tags", Json::array({"monitorc"})},
            {"timezone", "browser"},
            {"editable", true},
            {"graphTooltip", 0},
            {"schemaVersion", t.schemaVersion},
            {"time", {{"from", "now-6h"}, {"to", "now"}}},
            {"refresh", "1m"},
            {"templating", {{"list", Json::array()}}},
            {"annotations", {{"list", Json::array()}}},
            {"panels", panels}};
  if (!d.memo.empty()) j["description"] = d.memo;
  return j;
}

}  // namespace mon::grafana
