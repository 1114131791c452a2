// One dashboard body -> one `dashboard "title" { ... }` block: widgets in their JSON order,
// grouped into rows, with layout fields only where the compiler's layout would differ.
#include <optional>

#include "lower/layout.h"
#include "mackerel/import_layout.h"
#include "mackerel/import_parts.h"
#include "mackerel/import_writer.h"

namespace mon::mackerel {

namespace {

using Attrs = std::vector<std::pair<std::string, Lit>>;

struct Widget {
  std::string kind;  // DSL kind: graph, value, markdown, alert_status
  std::string title;
  Attrs attrs;
  ImportJson raw = ImportJson::object();
  WidgetBox box;
};

struct Context {
  std::string who;  // "dashboard 'x': widget 'y'"
  std::vector<std::string>& warnings;
  void warn(const std::string& what) { warnings.push_back(who + ": " + what); }
};

bool isString(const ImportJson& o, const char* k) { return o.contains(k) && o[k].is_string(); }
std::string str(const ImportJson& o, const char* k) { return isString(o, k) ? o[k].get<std::string>() : ""; }

// A graph's `graph` or a value widget's `metric` -> source fields. False when it cannot be
// expressed (a deleted role or service shows as type "unknown").
bool source(const ImportJson& s, const char* key, bool graph, Widget& w, Context& c) {
  if (!s.is_object() || !isString(s, "type")) {
    c.warn(std::string("'") + key + "' is not an object with a type; skipped");
    return false;
  }
  std::string type = str(s, "type");
  std::vector<std::string> known;
  if (type == "host") {
    w.attrs.emplace_back("host_id", Lit::of(stringLiteral(str(s, "hostId"))));
    w.attrs.emplace_back("metric", Lit::of(stringLiteral(str(s, "name"))));
    known = {"type", "hostId", "name"};
  } else if (type == "role" && graph) {
    w.attrs.emplace_back("role", Lit::of(stringLiteral(str(s, "roleFullname"))));
    w.attrs.emplace_back("metric", Lit::of(stringLiteral(str(s, "name"))));
    if (s.contains("isStacked") && s["isStacked"].is_boolean()) w.attrs.emplace_back("stacked", jsonLiteral(s["isStacked"]));
    known = {"type", "roleFullname", "name", "isStacked"};
  } else if (type == "service") {
    w.attrs.emplace_back("service", Lit::of(stringLiteral(str(s, "serviceName"))));
    w.attrs.emplace_back("metric", Lit::of(stringLiteral(str(s, "name"))));
    known = {"type", "serviceName", "name"};
  } else if (type == "expression") {
    w.attrs.emplace_back("expression", Lit::of(stringLiteral(str(s, "expression"))));
    known = {"type", "expression"};
  } else if (type == "query") {
    w.attrs.emplace_back("query", Lit::of(stringLiteral(str(s, "query"))));
    if (!str(s, "legend").empty()) w.attrs.emplace_back("legend", Lit::of(stringLiteral(str(s, "legend"))));
    known = {"type", "query", "legend"};
  } else {
    c.warn(std::string("'") + key + "' has type '" + type + "'" +
           (type == "unknown" ? " (its role, service or host was deleted)" : "") + ", which monitorc cannot express; skipped");
    return false;
  }
  for (auto it = s.begin(); it != s.end(); ++it) {
    bool ok = false;
    for (const auto& k : known) ok |= it.key() == k;
    if (!ok && !it.value().is_null()) {
      c.warn(std::string("field '") + key + "." + it.key() + "' is not known; '" + key + "' kept in raw");
      w.raw[key] = s;
    }
  }
  return true;
}

// `range`: relative {period, offset} in seconds or absolute {start, end}.
std::optional<Lit> timeRange(const ImportJson& r) {
  auto whole = [&](const char* k) { return r.contains(k) && r[k].is_number_integer(); };
  if (!r.is_object() || !isString(r, "type")) return std::nullopt;
  if (r["type"] == "relative" && r.size() == 3 && whole("period") && whole("offset") && r["period"].get<long long>() > 0) {
    Lit out = Lit::map();
    out.add("period", Lit::of(durationLiteral(r["period"], 1000)));
    long long offset = r["offset"].get<long long>();
    if (offset != 0)
      out.add("offset", Lit::of(std::string(offset < 0 ? "-" : "") + durationLiteral(std::llabs(offset), 1000)));
    return out;
  }
  if (r["type"] == "absolute" && r.size() == 3 && whole("start") && whole("end")) {
    Lit out = Lit::map();
    out.add("start", Lit::of(numberLiteral(r["start"])));
    out.add("end", Lit::of(numberLiteral(r["end"])));
    return out;
  }
  return std::nullopt;
}

// A list of at most one object whose keys are all in `keys` (reference lines, format rules).
bool smallList(const ImportJson& v, std::initializer_list<const char*> keys) {
  if (!v.is_array() || v.size() > 1) return false;
  for (const auto& item : v) {
    if (!item.is_object()) return false;
    for (auto it = item.begin(); it != item.end(); ++it) {
      bool ok = false;
      for (const char* k : keys) ok |= it.key() == k;
      if (!ok) return false;
    }
  }
  return true;
}

// One widget option key -> a field; false when the key is not known for the kind.
bool option(const std::string& kind, const std::string& key, const ImportJson& v, Widget& w, Context& c) {
  auto keep = [&](const char* field, std::optional<Lit> lit) {
    if (lit) w.attrs.emplace_back(field, *lit);
    else {
      c.warn("field '" + key + "' has a value monitorc does not accept; kept in raw");
      w.raw[key] = v;
    }
    return true;
  };
  auto when = [&](bool ok) { return ok ? std::optional<Lit>(jsonLiteral(v)) : std::nullopt; };
  if (kind == "graph" && key == "range") return keep("range", timeRange(v));
  if (kind == "graph" && key == "valueRange") {
    bool ok = v.is_object() && smallList(ImportJson::array({v}), {"min", "max"});
    for (auto it = v.begin(); ok && it != v.end(); ++it) ok = it.value().is_number();
    return keep("value_range", when(ok));
  }
  if (kind == "graph" && key == "referenceLines") {
    if (v.is_array() && v.empty()) return true;  // what the API returns for none
    return keep("reference_lines", when(smallList(v, {"label", "value"})));
  }
  if (kind == "graph" && key == "legendList") {
    if (v.is_array() && v.empty()) return true;  // the same as no list
    bool ok = v.is_array();
    for (const auto& x : v) ok = ok && x.is_string();
    return keep("legend_list", when(ok));
  }
  if (kind == "value" && key == "fractionSize") return keep("fraction_size", when(v.is_number_integer()));
  if (kind == "value" && key == "suffix") {
    if (v == "") return true;
    return keep("suffix", when(v.is_string()));
  }
  if (kind == "value" && key == "formatRules") {
    if (v.is_array() && v.empty()) return true;
    return keep("format_rules", when(smallList(v, {"name", "threshold", "operator"})));
  }
  if (kind == "markdown" && key == "markdown") {
    if (v == "") return true;
    return keep("text", when(v.is_string()));
  }
  if (kind == "alert_status" && key == "roleFullname") return keep("role", when(v.is_string()));
  return false;
}

std::optional<Widget> convertWidget(const ImportJson& j, size_t index, const std::string& board,
                                    std::vector<std::string>& warnings) {
  Widget w;
  std::string title = j.is_object() ? str(j, "title") : "";
  Context c{board + ": widget " + (title.empty() ? "#" + std::to_string(index + 1) : "'" + title + "'"), warnings};
  if (!j.is_object()) {
    c.warn("not a JSON object; skipped");
    return std::nullopt;
  }
  w.title = title;
  std::string type = str(j, "type");
  const std::pair<const char*, ir::WidgetKind> kinds[] = {{"graph", ir::WidgetKind::Graph},
                                                          {"value", ir::WidgetKind::Value},
                                                          {"markdown", ir::WidgetKind::Markdown},
                                                          {"alertStatus", ir::WidgetKind::AlertStatus}};
  for (const auto& [api, k] : kinds)
    if (type == api) {
      w.kind = ir::kindName(k);
      w.box.defaultHeight = sizeLimits(k).defaultH;
    }
  if (w.kind.empty()) {
    c.warn("type '" + type + "' is not a widget kind monitorc can express (graph, value, markdown, alertStatus); skipped");
    return std::nullopt;
  }
  const char* sourceKey = w.kind == "graph" ? "graph" : w.kind == "value" ? "metric" : nullptr;
  if (sourceKey && !source(j.contains(sourceKey) ? j[sourceKey] : ImportJson(), sourceKey, w.kind == "graph", w, c))
    return std::nullopt;
  if (w.kind == "alert_status" && !isString(j, "roleFullname")) {
    c.warn("has no roleFullname (its role was deleted?); skipped");
    return std::nullopt;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "type" || key == "title" || (sourceKey && key == sourceKey) || it.value().is_null()) continue;
    if (key == "layout") {
      const ImportJson& l = it.value();
      bool ok = l.is_object() && l.size() == 4;
      for (const char* k : {"x", "y", "width", "height"})
        ok = ok && l.contains(k) && l[k].is_number_integer() && l[k].get<long long>() >= 0 && l[k].get<long long>() <= 1000000;
      if (ok) w.box = WidgetBox{true, l["x"].get<int>(), l["y"].get<int>(), l["width"].get<int>(), l["height"].get<int>(),
                                w.box.defaultHeight};
      else c.warn("'layout' is not {x, y, width, height}; the widget is placed automatically");
      continue;
    }
    if (option(w.kind, key, it.value(), w, c)) continue;
    c.warn("field '" + key + "' is not known; kept in raw");
    w.raw[key] = it.value();
  }
  return w;
}

void writeWidget(BlockWriter& out, const Widget& w, const LayoutFields& f) {
  std::string header = w.kind + (w.title.empty() ? "" : " " + stringLiteral(w.title));
  bool any = !w.attrs.empty() || f.x || f.y || f.width || f.height || !w.raw.empty();
  if (!any) return out.line(header + " {}");
  out.open(header);
  for (const auto& [k, v] : w.attrs) out.attr(k, v);
  if (f.x) out.attr("x", std::to_string(w.box.x));
  if (f.y) out.attr("y", std::to_string(w.box.y));
  if (f.width) out.attr("width", std::to_string(w.box.width));
  if (f.height) out.attr("height", std::to_string(w.box.height));
  if (!w.raw.empty()) out.attr("raw", jsonLiteral(w.raw));
  out.close();
}

}  // namespace

void importDashboard(const ImportJson& d, size_t index, std::string& out, std::vector<std::string>& warnings) {
  std::string title = d.is_object() ? str(d, "title") : "";
  std::string who = "dashboard " + (title.empty() ? "#" + std::to_string(index + 1) : "'" + title + "'");
  if (!d.is_object()) {
    warnings.push_back(who + ": not a JSON object; skipped");
    return;
  }
  if (title.empty() || str(d, "urlPath").empty()) {
    warnings.push_back(who + ": has no " + (title.empty() ? "title" : "urlPath") + ", which every dashboard needs; skipped");
    return;
  }
  if (!d.contains("widgets") || !d["widgets"].is_array()) {
    // GET /api/v0/dashboards lists dashboards without their widgets: importing that would
    // give an empty dashboard, and applying it would delete every widget.
    warnings.push_back(who + ": has no widget list (a dashboard list has none); skipped: import each dashboard from "
                             "GET /api/v0/dashboards/<id> or mkr dashboards pull");
    return;
  }
  std::vector<Widget> widgets;
  ImportJson raw = ImportJson::object();
  for (auto it = d.begin(); it != d.end(); ++it) {
    const std::string& key = it.key();
    if (key == "id" || key == "title" || key == "urlPath" || key == "createdAt" || key == "updatedAt" || key == "memo" ||
        it.value().is_null())
      continue;
    if (key == "widgets" && it.value().is_array()) {
      for (size_t i = 0; i < it.value().size(); ++i)
        if (auto w = convertWidget(it.value()[i], i, who, warnings)) widgets.push_back(std::move(*w));
      continue;
    }
    warnings.push_back(who + ": field '" + key + "' is not known; kept in raw");
    raw[key] = it.value();
  }
  std::vector<WidgetBox> boxes;
  for (const auto& w : widgets) boxes.push_back(w.box);
  LayoutPlan plan = planLayout(boxes);

  if (!out.empty()) out += "\n";
  BlockWriter b(out);
  b.open("dashboard " + stringLiteral(title));
  b.attr("url_path", stringLiteral(str(d, "urlPath")));
  if (!str(d, "memo").empty()) b.attr("memo", stringLiteral(str(d, "memo")));
  if (!raw.empty()) b.attr("raw", jsonLiteral(raw));
  for (const auto& item : plan.items) {
    if (item.row) {
      b.open("row");
      if (item.rowHeight) b.attr("height", std::to_string(item.rowHeight));
    }
    for (size_t i : item.widgets) writeWidget(b, widgets[i], plan.fields[i]);
    if (item.row) b.close();
  }
  b.close();
}

}  // namespace mon::mackerel
