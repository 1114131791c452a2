// IR dashboards as Kibana saved objects (dashboards.h): the dashboard with panelsJSON on
// Kibana's 48-column grid (the IR's 24 columns doubled, rows doubled too so panels keep their
// proportions), by-reference Lens and markdown visualization panels, and the owner tag.
#include "kibana/dashboards.h"

#include <algorithm>
#include <set>

#include "prometheus/targets.h"

namespace mon::kibana {

namespace {

// The saved-object model versions of the shapes written here (Kibana 8.10 and later read
// them; _import migrates them to the running version).
constexpr const char* kCoreMigrationVersion = "8.8.0";
const char* typeMigrationVersion(const std::string& type) {
  if (type == "dashboard" || type == "lens") return "8.9.0";
  if (type == "visualization") return "8.5.0";
  return "8.0.0";
}

const char* const kLayer = "layer1";
const char* const kTimeColumn = "time";
const char* const kCountColumn = "count";

// 0 rather than 0.0: the source's numbers are doubles, Kibana's are as written.
Json wholeIfWhole(const Json& v) {
  if (!v.is_number_float()) return v;
  double d = v.get<double>();
  return d == static_cast<double>(static_cast<long long>(d)) ? Json(static_cast<long long>(d)) : v;
}

Json ownerRef() { return {{"type", "tag"}, {"id", kOwnerTagId}, {"name", kOwnerTagRef}}; }

Json savedObject(const std::string& type, const std::string& id, Json attributes, Json references) {
  return {{"type", type},
          {"id", id},
          {"attributes", std::move(attributes)},
          {"references", std::move(references)},
          {"coreMigrationVersion", kCoreMigrationVersion},
          {"typeMigrationVersion", typeMigrationVersion(type)}};
}

std::string emptySearchSource() { return Json{{"query", {{"query", ""}, {"language", "kuery"}}}, {"filter", Json::array()}}.dump(); }

struct Ctx {
  const ir::Target& target;
  const TargetSettings& s;
  const ir::Dashboard& d;
  DiagEngine& diags;
  bool ok = true;
};

void cannot(Ctx& c, Range at, const ir::Widget& w, const std::string& why) {
  c.diags.report(at, diag::err_target_cannot_express,
                 {std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name, why})
      .note(c.d.range, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
  c.ok = false;
}

void drop(Ctx& c, const ir::Widget& w, const char* field, const std::string& why) {
  if (!w.props.has(field)) return;
  c.diags.report(w.props.rangeOf(field, w.range), diag::warn_target_drops_field,
                 {field, std::string(ir::kindName(w.kind)) + " widget", w.title, c.target.kind, c.target.name, why});
}

// The count of documents matching the widget's KQL query, over time (graph) or in the whole
// time range (value), on the target's data view.
Json lensAttributes(Ctx& c, const ir::Widget& w) {
  bool graph = w.kind == ir::WidgetKind::Graph;
  if (!w.props.has("query")) {
    const char* src = w.props.has("expression") ? "expression" : w.props.has("host_id") ? "host_id"
                      : w.props.has("role")     ? "role"
                      : w.props.has("metric")   ? "metric"
                                                : "service";
    cannot(c, w.props.rangeOf(src, w.range), w, std::string("its '") + src + "' data source exists only in Mackerel (use 'query' with KQL)");
    return nullptr;
  }
  std::string q = w.props.str("query");
  if (q.find_first_not_of(" \t\r\n") != std::string::npos && q[q.find_first_not_of(" \t\r\n")] == '{') {
    cannot(c, w.props.rangeOf("query", w.range), w, "a Lens panel filters with KQL, not Elasticsearch query DSL");
    return nullptr;
  }
  if (c.s.dataView.empty()) {
    cannot(c, w.props.rangeOf("query", w.range), w, "a Lens panel reads a data view: set the target's data_view");
    return nullptr;
  }
  Json count = {{"label", "Count of records"},      {"dataType", "number"}, {"operationType", "count"},
                {"isBucketed", false},              {"scale", "ratio"},     {"sourceField", "___records___"},
                {"params", {{"emptyAsNull", true}}}};
  Json columns = {{kCountColumn, count}};
  Json order = Json::array({kCountColumn});
  Json visualization;
  if (graph) {
    columns[kTimeColumn] = {{"label", c.s.timeField},
                            {"dataType", "date"},
                            {"operationType", "date_histogram"},
                            {"sourceField", c.s.timeField},
                            {"isBucketed", true},
                            {"scale", "interval"},
                            {"params", {{"interval", "auto"}, {"includeEmptyRows", true}, {"dropPartials", false}}}};
    order = Json::array({kTimeColumn, kCountColumn});
    visualization = {{"legend", {{"isVisible", true}, {"position", "right"}}},
                     {"valueLabels", "hide"},
                     {"preferredSeriesType", "line"},
                     {"layers",
                      Json::array({{{"layerId", kLayer},
                                    {"layerType", "data"},
                                    {"seriesType", "line"},
                                    {"xAccessor", kTimeColumn},
                                    {"accessors", Json::array({kCountColumn})}}})}};
    if (const ir::Prop* vr = w.props.find("value_range")) {
      Json extent = {{"mode", "custom"}};
      if (vr->value.contains("min")) extent["lowerBound"] = wholeIfWhole(vr->value["min"]);
      if (vr->value.contains("max")) extent["upperBound"] = wholeIfWhole(vr->value["max"]);
      visualization["yLeftExtent"] = extent;
    }
    drop(c, w, "unit", "Lens formats a count of documents as a number");
    drop(c, w, "legend", "the series is the count of records");
    drop(c, w, "stacked", "one series has nothing to stack");
    drop(c, w, "range", "a panel follows the dashboard's time range");
    drop(c, w, "reference_lines", "reference lines are a Lens layer monitorc does not write (set them with raw state)");
    drop(c, w, "legend_list", "the series is the count of records");
  } else {
    visualization = {{"layerId", kLayer}, {"layerType", "data"}, {"metricAccessor", kCountColumn}};
    drop(c, w, "legend", "the metric is the count of records");
    drop(c, w, "fraction_size", "a count of documents is a whole number");
    drop(c, w, "suffix", "Lens metrics have no suffix monitorc writes (set it with raw state)");
    drop(c, w, "format_rules", "Lens metric colours by palette, which monitorc does not write");
  }
  Json layer = {{"columns", columns}, {"columnOrder", order}, {"incompleteColumns", Json::object()}};
  Json state = {{"datasourceStates", {{"formBased", {{"layers", {{kLayer, layer}}}}}}},
                {"visualization", visualization},
                {"query", {{"query", q}, {"language", "kuery"}}},
                {"filters", Json::array()},
                {"internalReferences", Json::array()},
                {"adHocDataViews", Json::object()}};
  return {{"title", w.title}, {"description", ""}, {"visualizationType", graph ? "lnsXY" : "lnsMetric"}, {"state", state}};
}

Json markdownAttributes(const ir::Widget& w) {
  Json vis = {{"title", w.title},
              {"type", "markdown"},
              {"aggs", Json::array()},
              {"params", {{"fontSize", 12}, {"openLinksInNewTab", false}, {"markdown", w.props.str("text")}}}};
  return {{"title", w.title},
          {"description", ""},
          {"visState", vis.dump()},
          {"uiStateJSON", "{}"},
          {"version", 1},
          {"kibanaSavedObjectMeta", {{"searchSourceJSON", emptySearchSource()}}}};
}

// Widget raw keys replace the panel object's attribute of that name (whole, so what import
// writes back into raw rebuilds the object as it was); the title is the widget's.
bool applyRaw(Ctx& c, const ir::Widget& w, Json& attributes) {
  for (auto it = w.raw.begin(); it != w.raw.end(); ++it) {
    if (it.key() == kRawPanel || it.key() == kRawObjectId) continue;
    if (it.key() == "title") {
      const ir::Prop* raw = w.props.find("raw");
      cannot(c, raw ? raw->range : w.range, w, "raw key 'title' is monitorc's to write (the widget's title says it)");
      return false;
    }
    attributes[it.key()] = it.value();
  }
  return true;
}

Json panelObject(Ctx& c, const ir::Widget& w, const std::string& id) {
  Json attributes;
  std::string type = "lens";
  switch (w.kind) {
    case ir::WidgetKind::Graph:
    case ir::WidgetKind::Value: attributes = lensAttributes(c, w); break;
    case ir::WidgetKind::Markdown:
      attributes = markdownAttributes(w);
      type = "visualization";
      break;
    case ir::WidgetKind::AlertStatus:
      cannot(c, w.range, w, "Kibana dashboards have no panel monitorc writes for alert status (the rules list is in Stack Management)");
      return nullptr;
  }
  if (attributes.is_null() || !applyRaw(c, w, attributes)) return nullptr;
  // A Lens object names its data view once as the current one and once per layer of its state
  // (raw state may have layers of its own).
  Json refs = Json::array();
  if (type == "lens") {
    auto view = [&](const std::string& name) { return Json{{"type", "index-pattern"}, {"id", c.s.dataView}, {"name", name}}; };
    refs.push_back(view("indexpattern-datasource-current-indexpattern"));
    Json layers = attributes["state"];
    for (const char* k : {"datasourceStates", "formBased", "layers"})
      layers = layers.is_object() ? layers.value(k, Json::object()) : Json::object();
    if (layers.is_object())
      for (auto it = layers.begin(); it != layers.end(); ++it) refs.push_back(view("indexpattern-datasource-layer-" + it.key()));
  }
  refs.push_back(ownerRef());
  return savedObject(type, id, std::move(attributes), std::move(refs));
}

DashboardObjects build(Ctx& c, const std::string& space) {
  DashboardObjects out;
  out.dashboard = &c.d;
  out.id = dashboardId(space, c.d.urlPath);
  Json panels = Json::array(), refs = Json::array();
  int n = 0;
  for (const auto& w : c.d.widgets) {
    std::string index = "p";  // appended, not "p" + string&&: GCC 12 -Wrestrict false positive
    index += std::to_string(++n);
    std::string id = out.id + "-" + index;
    // An imported panel keeps the object id and the panel fields Kibana gave it.
    if (w.raw.contains(kRawObjectId) && w.raw[kRawObjectId].is_string()) id = w.raw[kRawObjectId];
    Json object = panelObject(c, w, id);
    if (object.is_null()) continue;
    Json entry = panelEntry(object["type"], index, w.layout);
    if (w.raw.contains(kRawPanel) && w.raw[kRawPanel].is_object()) {
      for (auto it = w.raw[kRawPanel].begin(); it != w.raw[kRawPanel].end(); ++it) entry[it.key()] = it.value();
      if (entry["panelIndex"].is_string()) index = entry["panelIndex"];
      entry["gridData"]["i"] = index;
      if (!w.raw[kRawPanel].contains("panelRefName")) entry["panelRefName"] = "panel_" + index;
    }
    refs.push_back({{"name", index + ":" + entry.value("panelRefName", "")}, {"type", object["type"]}, {"id", object["id"]}});
    panels.push_back(std::move(entry));
    out.objects.push_back(std::move(object));
  }
  refs.push_back(ownerRef());
  Json attributes = baseDashboardAttributes(c.d);
  attributes["panelsJSON"] = panels.dump();
  for (auto it = c.d.raw.begin(); it != c.d.raw.end(); ++it) {
    if (it.key() == "title" || it.key() == "description" || it.key() == "panelsJSON") {
      c.diags.report(c.d.range, diag::err_target_cannot_express,
                     {"dashboard", c.d.title, c.target.kind, c.target.name,
                      "raw key '" + it.key() + "' is monitorc's to write (the dashboard's title, memo and widgets say it)"});
      c.ok = false;
      continue;
    }
    attributes[it.key()] = it.value();
  }
  out.objects.push_back(savedObject("dashboard", out.id, std::move(attributes), std::move(refs)));
  return out;
}

}  // namespace

Json panelEntry(const std::string& type, const std::string& index, const ir::Layout& l) {
  return {{"version", "8.10.0"},
          {"type", type},
          {"gridData", {{"x", l.x * 2}, {"y", l.y * 2}, {"w", l.width * 2}, {"h", l.height * 2}, {"i", index}}},
          {"panelIndex", index},
          {"embeddableConfig", {{"enhancements", Json::object()}}},
          {"panelRefName", "panel_" + index}};
}

Json baseDashboardAttributes(const ir::Dashboard& d) {
  Json options = {{"useMargins", true}, {"syncColors", false}, {"syncCursor", true}, {"syncTooltips", false}, {"hidePanelTitles", false}};
  return {{"title", d.title},
          {"description", d.memo},
          {"panelsJSON", "[]"},
          {"optionsJSON", options.dump()},
          {"timeRestore", false},
          {"version", 1},
          {"kibanaSavedObjectMeta", {{"searchSourceJSON", emptySearchSource()}}}};
}

Json basePanelAttributes(const ir::Widget& w, const TargetSettings& s, std::string& type) {
  static const ir::Target none{"kibana", "", {}, {}};
  static const ir::Dashboard noDashboard{};
  DiagEngine quiet;
  Ctx c{none, s, noDashboard, quiet};
  type = w.kind == ir::WidgetKind::Markdown ? "visualization" : "lens";
  if (w.kind == ir::WidgetKind::Markdown) return markdownAttributes(w);
  if (w.kind == ir::WidgetKind::AlertStatus) return nullptr;
  return lensAttributes(c, w);
}

namespace {

// JSON-string attributes of each type, parsed for comparison and checked to parse.
std::vector<std::vector<std::string>> jsonStringFields(const std::string& type) {
  if (type == "dashboard") return {{"panelsJSON"}, {"optionsJSON"}, {"kibanaSavedObjectMeta", "searchSourceJSON"}};
  if (type == "visualization") return {{"visState"}, {"uiStateJSON"}, {"kibanaSavedObjectMeta", "searchSourceJSON"}};
  return {};
}

Json* at(Json& attributes, const std::vector<std::string>& path) {
  Json* v = &attributes;
  for (const auto& k : path) {
    if (!v->is_object() || !v->contains(k)) return nullptr;
    v = &(*v)[k];
  }
  return v;
}

}  // namespace

std::string dashboardId(const std::string& space, const std::string& urlPath) {
  return space.empty() || space == "default" ? urlPath : space + "-" + urlPath;
}

std::string urlPathOf(const std::string& space, const std::string& id) {
  if (space.empty() || space == "default") return id;
  std::string prefix = space + "-";
  return id.rfind(prefix, 0) == 0 ? id.substr(prefix.size()) : "";
}

Json ownerTagObject() {
  return savedObject("tag", kOwnerTagId,
                     {{"name", kOwnerTag},
                      {"description", "Written by monitorc: changed and deleted by its apply; edits here are overwritten."},
                      {"color", "#54B399"}},
                     Json::array());
}

bool ownedObject(const Json& object) {
  const Json& refs = object.is_object() ? object.value("references", Json::array()) : Json::array();
  if (!refs.is_array()) return false;
  return std::any_of(refs.begin(), refs.end(), [](const Json& r) {
    return r.is_object() && r.value("type", "") == "tag" && r.value("id", "") == kOwnerTagId;
  });
}

std::vector<DashboardObjects> dashboardsFor(const ir::Module& module, const ir::Target& t, const TargetSettings& s,
                                            DiagEngine& diags) {
  std::vector<DashboardObjects> out;
  std::set<std::string> ids;
  for (const auto& d : module.dashboards) {
    if (!targets::selects(d.targets, t)) continue;
    Ctx c{t, s, d, diags};
    DashboardObjects objects = build(c, s.space);
    if (!c.ok) continue;
    if (!ids.insert(objects.id).second) {
      diags.report(d.range, diag::err_target_cannot_express,
                   {"dashboard", d.title, t.kind, t.name, "another dashboard for this target has the url_path '" + d.urlPath + "'"});
      continue;
    }
    for (const auto& o : objects.objects)
      if (std::string why = checkSavedObject(o); !why.empty()) {
        diags.report(d.range, diag::err_target_cannot_express, {"dashboard", d.title, t.kind, t.name, why});
        objects.objects.clear();
        break;
      }
    if (!objects.objects.empty()) out.push_back(std::move(objects));
  }
  return out;
}

std::string checkSavedObject(const Json& o) {
  if (!o.is_object()) return "a saved object is a JSON object";
  std::string type = o.value("type", ""), id = o.value("id", "");
  if (type.empty() || id.empty()) return "a saved object needs a type and an id";
  if (!o.contains("attributes") || !o["attributes"].is_object()) return type + " '" + id + "': attributes must be an object";
  const Json& a = o["attributes"];
  auto str = [&](const char* k) { return a.contains(k) && a[k].is_string(); };
  const char* need[4] = {};
  if (type == "dashboard") need[0] = "title", need[1] = "panelsJSON";
  else if (type == "lens") need[0] = "title", need[1] = "visualizationType";
  else if (type == "visualization") need[0] = "title", need[1] = "visState";
  else if (type == "tag") need[0] = "name", need[1] = "color";
  else return "saved object type '" + type + "' is not one monitorc writes (dashboard, lens, visualization, tag)";
  for (const char* k : need)
    if (k && !str(k)) return type + " '" + id + "': attribute '" + k + "' must be a string";
  if (type == "lens" && (!a.contains("state") || !a["state"].is_object())) return "lens '" + id + "': state must be an object";
  Json copy = a;
  for (const auto& path : jsonStringFields(type)) {
    Json* v = at(copy, path);
    if (!v) continue;
    if (!v->is_string() || Json::parse(v->get<std::string>(), nullptr, false).is_discarded())
      return type + " '" + id + "': " + path.back() + " must be a string of JSON";
  }
  if (!o.contains("references") || !o["references"].is_array()) return type + " '" + id + "': references must be a list";
  for (const auto& r : o["references"])
    if (!r.is_object() || r.value("name", "").empty() || r.value("type", "").empty() || r.value("id", "").empty())
      return type + " '" + id + "': each reference needs a name, a type and an id";
  if (type == "dashboard") {
    Json panels = Json::parse(a["panelsJSON"].get<std::string>(), nullptr, false);
    if (!panels.is_array()) return "dashboard '" + id + "': panelsJSON must be a list";
    std::set<std::string> refNames;
    for (const auto& r : o["references"]) refNames.insert(r.value("name", ""));
    for (const auto& p : panels) {
      const Json& g = p.is_object() ? p.value("gridData", Json()) : Json();
      if (!g.is_object()) return "dashboard '" + id + "': every panel needs gridData";
      for (const char* k : {"x", "y", "w", "h"})
        if (!g.contains(k) || !g[k].is_number_integer()) return "dashboard '" + id + "': gridData." + k + " must be a whole number";
      long long x = g["x"], w = g["w"], h = g["h"], y = g["y"];
      if (x < 0 || w < 1 || x + w > 48 || h < 1 || y < 0) return "dashboard '" + id + "': a panel is outside the 48-column grid";
      std::string index = p.value("panelIndex", "");
      if (index.empty() || g.value("i", "") != index) return "dashboard '" + id + "': gridData.i must be the panel's panelIndex";
      std::string refName = p.value("panelRefName", "");
      if (!refName.empty() && !refNames.count(index + ":" + refName) && !refNames.count(refName))
        return "dashboard '" + id + "': panel " + index + " names reference '" + refName + "', which is not in references";
    }
  }
  return "";
}

Json canonicalObject(const Json& o) {
  if (!o.is_object()) return o;
  std::string type = o.value("type", "");
  Json attributes = o.value("attributes", Json::object());
  for (const auto& path : jsonStringFields(type))
    if (Json* v = at(attributes, path); v && v->is_string()) {
      Json parsed = Json::parse(v->get<std::string>(), nullptr, false);
      if (!parsed.is_discarded()) *v = parsed;
    }
  Json refs = o.value("references", Json::array());
  if (refs.is_array()) std::sort(refs.begin(), refs.end());
  return {{"type", type}, {"id", o.value("id", "")}, {"attributes", attributes}, {"references", refs}};
}

}  // namespace mon::kibana
