// Classic Grafana dashboard JSON from an IR dashboard: graph -> timeseries, value -> stat,
// markdown -> text, alert_status -> alertlist, on the IR's 24-column layout. Graph and value
// panels query the target's data source: PromQL, or Zabbix items (datasource_type = zabbix).
#include <set>
#include <utility>

#include "grafana/grafana.h"
#include "grafana/zabbix_query.h"
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

void dropped(Ctx& c, const ir::Widget& w, const char* field, const std::string& why) {
  c.diags.report(w.props.rangeOf(field, w.range), diag::warn_target_drops_field,
                 {field, std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name, why});
}

Json datasource(const Ctx& c) { return {{"type", c.settings.datasourceType}, {"uid", c.settings.datasource}}; }

// The fields only a Zabbix query reads (zabbix_query.h), dropped on a Prometheus data source.
const char* const kZabbixOnly[] = {"host_group", "host", "item_tag", "functions"};

void dropZabbixFields(Ctx& c, const ir::Widget& w) {
  for (const char* f : kZabbixOnly)
    if (w.props.has(f))
      dropped(c, w, f, "it filters a Zabbix query and the target's data source is Prometheus: datasource_type = zabbix reads it");
}

// A Zabbix data source function the plugin does not know (or a parameter that does not fit)
// is an error at `functions` (or at `legend`, which becomes a setAlias function).
void reportZabbixFunction(Ctx& c, const ir::Widget& w, const std::string& why) {
  c.diags.report(w.props.rangeOf(w.props.has("functions") ? "functions" : "legend", w.range), diag::err_target_cannot_express,
                 {std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name, why});
  c.ok = false;
}

Json steps(Json list) { return {{"mode", "absolute"}, {"steps", std::move(list)}}; }

// The PromQL target of a graph or value widget; null (and an error) for Mackerel-only sources.
Json queryTarget(Ctx& c, const ir::Widget& w) {
  if (!w.props.has("query")) {
    std::string src = w.props.has("expression") ? "expression" : w.props.has("host_id") ? "host_id"
                      : w.props.has("role")     ? "role"
                                                : "service";
    c.diags.report(w.props.rangeOf(src, w.range), diag::err_target_cannot_express,
                   {std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name,
                    "its '" + src + "' data source exists only in Mackerel (use 'query' with PromQL)"})
        .note(c.dashboard.range, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
    c.ok = false;
    return nullptr;
  }
  if (c.settings.zabbix()) {
    std::string why;
    std::optional<Json> t = zabbix_query::metricsTarget(w, datasource(c), why);
    if (!t) {
      reportZabbixFunction(c, w, why);
      return nullptr;
    }
    return *t;
  }
  dropZabbixFields(c, w);
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
  p["targets"] = Json::array({std::move(t)});
  return p;
}

Json graph(Ctx& c, const ir::Widget& w, int id) {
  Json p = queryPanel(c, w, id, "timeseries");
  if (p.is_null()) return nullptr;
  Json defaults = Json::object();
  if (std::string unit = w.props.str("unit"); !unit.empty()) defaults["unit"] = unit;
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
  if (!custom.empty()) defaults["custom"] = std::move(custom);
  p["fieldConfig"] = {{"defaults", std::move(defaults)}, {"overrides", Json::array()}};
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
  p["fieldConfig"] = {{"defaults", std::move(defaults)}, {"overrides", Json::array()}};
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

// A panel imported from Grafana: `raw.grafana_panel` is the panel as Grafana had it less what
// the widget's fields say; those are written back into it at the places they came from, and
// nothing else is added (no defaults), so import -> build gives the panel back as it was.
Json importedPanel(Ctx& c, const ir::Widget& w, int id) {
  Json p = w.raw["grafana_panel"];
  if (!p.contains("id")) p["id"] = id;
  if (!w.title.empty()) p["title"] = w.title;
  p["gridPos"] = {{"x", w.layout.x}, {"y", w.layout.y}, {"w", w.layout.width}, {"h", w.layout.height}};
  auto defaults = [&]() -> Json& { return p["fieldConfig"]["defaults"]; };
  if (w.props.has("query")) {
    bool kept = p.contains("targets") && p["targets"].is_array() && !p["targets"].empty() && p["targets"][0].is_object();
    // A Zabbix query stays one (its filters and functions written into it); a new query is
    // of the target's data source.
    if (kept ? zabbix_query::isMetricsQuery(p["targets"][0]) : c.settings.zabbix()) {
      std::string why;
      if (!kept) p["targets"] = Json::array({{{"refId", "A"}, {"datasource", datasource(c)}, {"queryType", "0"}}});
      if (!zabbix_query::writeInto(p["targets"][0], w, why)) reportZabbixFunction(c, w, why);
    } else {
      if (!kept) p["targets"] = Json::array({{{"refId", "A"}, {"datasource", datasource(c)}}});
      dropZabbixFields(c, w);
      p["targets"][0]["expr"] = w.props.str("query");
      if (w.props.has("legend")) p["targets"][0]["legendFormat"] = w.props.str("legend");
    }
  }
  if (const ir::Prop* vr = w.props.find("value_range")) {
    if (vr->value.contains("min")) defaults()["min"] = vr->value["min"];
    if (vr->value.contains("max")) defaults()["max"] = vr->value["max"];
  }
  if (const ir::Prop* f = w.props.find("fraction_size")) defaults()["decimals"] = f->value;
  if (std::string suffix = w.props.str("suffix"); !suffix.empty()) defaults()["unit"] = "suffix:" + suffix;
  if (std::string unit = w.props.str("unit"); !unit.empty()) defaults()["unit"] = unit;
  if (w.kind == ir::WidgetKind::Markdown && w.props.has("text")) p["options"]["content"] = w.props.str("text");
  timeRange(c, w, p);
  static const char* notWritten[] = {"reference_lines", "format_rules", "stacked", "legend_list"};
  for (const char* f : notWritten)
    if (w.props.has(f)) dropped(c, w, f, "the panel keeps the thresholds and options it was imported with ('raw.grafana_panel')");
  return p;
}

// Panel ids the imported panels keep (rows' nested panels included), so new ones avoid them.
std::set<long long> keptIds(const ir::Dashboard& d) {
  std::set<long long> ids;
  auto add = [&](const Json& p) {
    if (p.is_object() && p.contains("id") && p["id"].is_number_integer()) ids.insert(p["id"].get<long long>());
  };
  for (const auto& w : d.widgets)
    if (w.raw.contains("grafana_panel") && w.raw["grafana_panel"].is_object()) {
      add(w.raw["grafana_panel"]);
      const Json& nested = w.raw["grafana_panel"].value("panels", Json::array());
      if (nested.is_array())
        for (const auto& n : nested) add(n);
    }
  return ids;
}

}  // namespace

Json dashboardJson(const ir::Dashboard& d, const TargetSettings& t, const ir::Target& target, DiagEngine& diags) {
  Ctx c{t, target, d, diags};
  Json panels = Json::array();
  std::set<long long> kept = keptIds(d);
  int id = 0;
  for (const auto& w : d.widgets) {
    do ++id;
    while (kept.count(id));
    Json p;
    if (w.raw.contains("grafana_panel") && w.raw["grafana_panel"].is_object()) {
      // Other raw keys beside the imported panel (`raw = { fieldConfig = ... }` added after an
      // import) are laid over it as over a generated panel, not dropped.
      p = importedPanel(c, w, id);
      for (auto it = w.raw.begin(); it != w.raw.end(); ++it)
        if (it.key() != "grafana_panel") mergeRaw(p, Json{{it.key(), it.value()}});
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
  if (d.raw.contains("grafana_dashboard") && d.raw["grafana_dashboard"].is_object()) {
    // Imported: the dashboard's own settings (variables, annotations, links, tags, time ...)
    // as Grafana had them, with what the dashboard block models written into them.
    Json j = d.raw["grafana_dashboard"];
    j["uid"] = dashboardUid(d.urlPath);
    j["title"] = d.title;
    j["schemaVersion"] = t.schemaVersion;
    j["panels"] = std::move(panels);
    if (!d.memo.empty()) j["description"] = d.memo;
    return j;
  }
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
            {"annotations", {{"list", Json::array()}}}};
  j["panels"] = std::move(panels);  // last but for the description, as before; moved, not copied
  if (!d.memo.empty()) j["description"] = d.memo;
  return j;
}

}  // namespace mon::grafana
