#include "kibana/import.h"

#include <map>
#include <set>
#include <sstream>

#include "kibana/dashboards.h"
#include "kibana/pull.h"
#include "kibana/rule_remote.h"
#include "kibana/rules.h"
#include "prometheus/mon_source.h"
#include "support/text.h"

namespace mon::kibana {

namespace {

using Json = ir::Json;

const char* const kTargetName = "kibana";

// "5m" -> 300; 0 when it is not a whole number and one of s, m, h, d.
long long seconds(long long size, const std::string& unit) {
  if (unit == "s") return size;
  if (unit == "m") return size * 60;
  if (unit == "h") return size * 3600;
  if (unit == "d") return size * 86400;
  return 0;
}

long long intervalSeconds(const std::string& interval) {
  if (interval.size() < 2) return 0;
  std::string digits = interval.substr(0, interval.size() - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 12) return 0;
  return seconds(std::stoll(digits), interval.substr(interval.size() - 1));
}

Json attr(const Json& o) { return o.is_object() ? o.value("attributes", Json::object()) : Json::object(); }

Json parsed(const Json& v) {
  if (!v.is_string()) return v;
  Json p = Json::parse(v.get<std::string>(), nullptr, false);
  return p.is_discarded() ? v : p;
}

// The attributes as compared: JSON-string ones parsed (what differs only in spacing is equal).
bool sameAttribute(const Json& a, const Json& b) { return parsed(a) == parsed(b); }

// The settings the rules were written with: the first rule's window, schedule, index, time
// field and data view; each severity's connectors from its first rule's actions.
TargetSettings settingsFromRules(const std::vector<Json>& rules) {
  TargetSettings s;
  s.name = kTargetName;
  bool window = false, every = false, dsl = false, kql = false;
  std::set<std::string> connectorsOf;
  for (const auto& r : rules) {
    const Json& p = r.value("params", Json::object());
    if (!window && p.contains("timeWindowSize") && p["timeWindowSize"].is_number_integer()) {
      if (long long w = seconds(p["timeWindowSize"].get<long long>(), p.value("timeWindowUnit", "")); w > 0) s.windowSeconds = w, window = true;
    }
    if (!every) {
      std::string interval = r.value("schedule", Json::object()).value("interval", "");
      if (long long e = intervalSeconds(interval); e > 0) s.everySeconds = e, every = true;
    }
    if (!dsl && p.value("searchType", "esQuery") == "esQuery") {
      for (const auto& i : p.value("index", Json::array()))
        if (i.is_string()) s.index.push_back(i.get<std::string>());
      s.timeField = p.value("timeField", s.timeField);
      dsl = true;
    }
    if (!kql && p.value("searchType", "") == "searchSource") {
      s.dataView = p.value("searchConfiguration", Json::object()).value("index", "");
      kql = true;
    }
    std::string severity;
    for (const auto& t : r.value("tags", Json::array()))
      if (t.is_string() && t.get<std::string>().rfind(kSeverityTagPrefix, 0) == 0) severity = t.get<std::string>().substr(std::string(kSeverityTagPrefix).size());
    std::string name = r.value("name", "");
    if (severity.empty()) severity = name.size() > 10 && name.compare(name.size() - 10, 10, " (warning)") == 0 ? "warning" : "critical";
    if (connectorsOf.count(severity)) continue;
    connectorsOf.insert(severity);
    auto& ids = severity == "warning" ? s.warningConnectors : s.criticalConnectors;
    for (const auto& a : r.value("actions", Json::array()))
      if (a.is_object() && a.value("group", "") == kActionGroup && a.value("id", Json()).is_string()) ids.push_back(a["id"]);
  }
  return s;
}

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + quoteSource(x);
  return "[" + out + "]";
}

// The target block: what differs from the target's defaults.
std::string targetBlock(const TargetSettings& s) {
  TargetSettings d;
  std::string b = "# Imported by monitorc from Kibana. Set url (Kibana's base URL) before plan and apply.\n";
  b += "target kibana " + quoteSource(s.name) + " {\n";
  if (!s.index.empty()) b += "  index = " + list(s.index) + "\n";
  if (s.timeField != d.timeField) b += "  time_field = " + quoteSource(s.timeField) + "\n";
  if (!s.dataView.empty()) b += "  data_view = " + quoteSource(s.dataView) + "\n";
  if (s.windowSeconds != d.windowSeconds) b += "  window = " + formatDurationMs(s.windowSeconds * 1000) + "\n";
  if (s.everySeconds != d.everySeconds) b += "  every = " + formatDurationMs(s.everySeconds * 1000) + "\n";
  if (!s.criticalConnectors.empty()) b += "  critical_connectors = " + list(s.criticalConnectors) + "\n";
  if (!s.warningConnectors.empty()) b += "  warning_connectors = " + list(s.warningConnectors) + "\n";
  return b + "}\n\n";
}

bool importRules(const Json& doc, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  std::vector<Json> rules;
  engine::RemoteState state;
  for (const auto& r : doc["data"]) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) {
      error = "every rule in 'data' needs a name (the answer of GET /api/alerting/rules/_find)";
      return false;
    }
    Json body = createBodyOf(r);
    if (r.contains("enabled") && r["enabled"] == false)
      warnings.push_back("rule '" + r["name"].get<std::string>() + "': disabled in Kibana; monitorc writes it enabled");
    rules.push_back(body);
    state.monitors.push_back({engine::ObjKind::Monitor, r.value("id", ""), {{"name", r["name"]}, {"type", "rule"}, {"rule", body}}});
  }
  TargetSettings s = settingsFromRules(rules);
  source = targetBlock(s) + pullSource(state, false, s, warnings);
  return true;
}

// `_export`'s NDJSON: one saved object a line, the export summary ({"exportedCount": ...}) last.
bool parseNdjson(const std::string& text, std::vector<Json>& objects, std::string& error) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json o = Json::parse(line, nullptr, false);
    if (o.is_discarded() || !o.is_object()) {
      error = std::to_string(n) + ":1: line " + std::to_string(n) + " is not a JSON object (an _export file has one saved object a line)";
      return false;
    }
    if (o.contains("exportedCount")) continue;
    if (!o.contains("type") || !o.contains("id") || !o.contains("attributes")) {
      error = std::to_string(n) + ":1: line " + std::to_string(n) + " is not a saved object (type, id, attributes)";
      return false;
    }
    objects.push_back(std::move(o));
  }
  return true;
}

// The data view and time field the Lens panels read: the target's settings for them.
TargetSettings settingsFromObjects(const std::vector<Json>& objects) {
  TargetSettings s;
  s.name = kTargetName;
  for (const auto& o : objects) {
    if (o.value("type", "") != "lens") continue;
    for (const auto& r : o.value("references", Json::array()))
      if (r.is_object() && r.value("type", "") == "index-pattern" && s.dataView.empty()) s.dataView = r.value("id", "");
    const Json& layers = attr(o).value("state", Json::object()).value("datasourceStates", Json::object()).value("formBased", Json::object()).value("layers", Json::object());
    if (layers.is_object())
      for (const auto& l : layers)
        for (const auto& c : l.value("columns", Json::object()))
          if (c.is_object() && c.value("operationType", "") == "date_histogram") {
            s.timeField = c.value("sourceField", s.timeField);
            return s;
          }
  }
  return s;
}

struct Layout {
  int x, y, w, h;
};

// Kibana's 48-column grid back to the source's 24 (halved; odd values rounded, with a warning),
// each widget at least its kind's smallest size.
Layout layoutOf(const Json& g, ir::WidgetKind kind, const std::string& what, std::vector<std::string>& warnings) {
  auto half = [&](const char* k, int min) {
    long long v = g.is_object() && g.value(k, Json()).is_number_integer() ? g[k].get<long long>() : 0;
    if (v % 2) warnings.push_back(what + ": gridData." + k + " " + std::to_string(v) + " is not on the source's 24-column grid; rounded up");
    return std::max<int>(min, static_cast<int>((v + 1) / 2));
  };
  int minW = kind == ir::WidgetKind::Graph ? 6 : 4, minH = kind == ir::WidgetKind::Graph ? 6 : kind == ir::WidgetKind::Value ? 4 : 2;
  Layout l{half("x", 0), half("y", 0), half("w", minW), half("h", minH)};
  if (l.x + l.w > 24) l.x = 24 - l.w;
  return l;
}

std::string rawField(const Json& raw, const std::string& what, std::vector<std::string>& warnings) {
  if (raw.empty()) return "";
  if (source::depth(raw) + 1 > source::kMaxValueDepth) {
    warnings.push_back(what + ": attributes nested too deep for source: left out");
    return "";
  }
  return "raw = " + source::value(raw);
}

// One panel as a widget block; "" (with a warning) when it is not one monitorc writes.
std::string widgetBlock(const Json& panel, const std::map<std::string, Json>& refs, const std::map<std::string, Json>& byId,
                        const TargetSettings& s, const std::string& dashboard, const std::string& builtIndex,
                        const std::string& builtId, std::vector<std::string>& warnings) {
  std::string index = panel.value("panelIndex", "");
  std::string what = "dashboard '" + dashboard + "': panel " + index;
  std::string refName = panel.value("panelRefName", "");
  auto ref = refs.find(index + ":" + refName);
  if (ref == refs.end()) ref = refs.find(refName);
  if (refName.empty() || ref == refs.end()) {
    warnings.push_back(what + ": skipped: a by-value panel (monitorc reads panels saved as Lens or markdown objects)");
    return "";
  }
  auto found = byId.find(ref->second.value("type", "") + "/" + ref->second.value("id", ""));
  if (found == byId.end()) {
    warnings.push_back(what + ": skipped: its " + ref->second.value("type", "") + " '" + ref->second.value("id", "") +
                       "' is not in the file (export with includeReferencesDeep)");
    return "";
  }
  const Json& o = found->second;
  const Json a = attr(o);
  std::string type = o.value("type", "");
  ir::Widget w{ir::WidgetKind::Graph, a.value("title", ""), {}, {}, {}};
  if (type == "lens") {
    if (a.value("visualizationType", "") == "lnsMetric") w.kind = ir::WidgetKind::Value;
    const Json& q = a.value("state", Json::object()).value("query", Json::object());
    if (q.is_object() && q.value("language", "kuery") != "kuery")
      warnings.push_back(what + ": its query is " + q.value("language", "") + ", read as KQL");
    w.props.set("query", q.is_object() ? q.value("query", "") : "", {});
    const Json& extent = a.value("state", Json::object()).value("visualization", Json::object()).value("yLeftExtent", Json());
    if (w.kind == ir::WidgetKind::Graph && extent.is_object() && extent.value("mode", "") == "custom") {
      Json range = Json::object();
      if (extent.contains("lowerBound") && extent["lowerBound"].is_number()) range["min"] = extent["lowerBound"];
      if (extent.contains("upperBound") && extent["upperBound"].is_number()) range["max"] = extent["upperBound"];
      if (!range.empty()) w.props.set("value_range", range, {});
    }
    for (const auto& r : o.value("references", Json::array()))
      if (r.is_object() && r.value("type", "") == "index-pattern" && r.value("id", "") != s.dataView)
        warnings.push_back(what + ": reads data view '" + r.value("id", "") + "'; the source gives it the target's ('" + s.dataView + "')");
  } else if (type == "visualization" && parsed(a.value("visState", Json())).value("type", "") == "markdown") {
    w.kind = ir::WidgetKind::Markdown;
    w.props.set("text", parsed(a["visState"]).value("params", Json::object()).value("markdown", ""), {});
  } else {
    warnings.push_back(what + ": skipped: " + type + " panels are not one monitorc writes (Lens, markdown)");
    return "";
  }
  std::string baseType;
  Json base = basePanelAttributes(w, s, baseType);
  Json raw = Json::object();
  for (auto it = a.begin(); it != a.end(); ++it)
    if (it.key() != "title" && (!base.contains(it.key()) || !sameAttribute(base[it.key()], it.value()))) raw[it.key()] = it.value();
  // The object id and panel fields Kibana gave the panel, where build would write others.
  Layout l = layoutOf(panel.value("gridData", Json::object()), w.kind, what, warnings);
  Json built = panelEntry(type, builtIndex, ir::Layout{l.x, l.y, l.w, l.h});
  Json fields = Json::object();
  for (auto it = panel.begin(); it != panel.end(); ++it) {
    if (it.key() == "gridData" || it.key() == "type") continue;
    if (it.key() == "panelRefName" && it.value() == Json("panel_" + index)) continue;
    if (!built.contains(it.key()) || built[it.key()] != it.value()) fields[it.key()] = it.value();
  }
  for (auto it = built.begin(); it != built.end(); ++it)
    if (!panel.contains(it.key()) && it.key() != "panelRefName") warnings.push_back(what + ": has no '" + it.key() + "'; the source writes monitorc's");
  if (!fields.empty()) raw[kRawPanel] = fields;
  if (o.value("id", "") != builtId) raw[kRawObjectId] = o.value("id", "");
  for (auto it = base.begin(); it != base.end(); ++it)
    if (!a.contains(it.key())) warnings.push_back(what + ": has no '" + it.key() + "'; the source writes monitorc's");
  const char* kind = w.kind == ir::WidgetKind::Graph ? "graph" : w.kind == ir::WidgetKind::Value ? "value" : "markdown";
  std::string b = std::string("  ") + kind + " " + quoteSource(w.title) + " {\n";
  if (w.props.has("query")) b += "    query = " + quoteSource(w.props.str("query")) + "\n";
  if (w.props.has("text")) b += "    text = " + quoteSource(w.props.str("text")) + "\n";
  if (const ir::Prop* vr = w.props.find("value_range")) b += "    value_range = " + source::value(vr->value) + "\n";
  b += "    x = " + std::to_string(l.x) + "\n    y = " + std::to_string(l.y) + "\n";
  b += "    width = " + std::to_string(l.w) + "\n    height = " + std::to_string(l.h) + "\n";
  if (std::string r = rawField(raw, what, warnings); !r.empty()) b += "    " + r + "\n";
  return b + "  }\n";
}

}  // namespace

std::string dashboardsSource(const std::vector<Json>& objects, const TargetSettings& s, std::vector<std::string>& warnings) {
  std::map<std::string, Json> byId;
  for (const auto& o : objects) byId[o.value("type", "") + "/" + o.value("id", "")] = o;
  std::string out;
  for (const auto& o : objects) {
    if (o.value("type", "") != "dashboard") continue;
    std::string id = o.value("id", "");
    std::string urlPath = urlPathOf(s.space, id);
    const Json a = attr(o);
    std::string title = a.value("title", "");
    ir::Dashboard d;
    d.title = title;
    d.memo = a.value("description", "");
    std::map<std::string, Json> refs;
    for (const auto& r : o.value("references", Json::array()))
      if (r.is_object()) refs[r.value("name", "")] = r;
    Json panels = parsed(a.value("panelsJSON", Json("[]")));
    if (!panels.is_array()) {
      warnings.push_back("dashboard '" + title + "': skipped: panelsJSON is not a list");
      continue;
    }
    Json base = baseDashboardAttributes(d);
    Json raw = Json::object();
    for (auto it = a.begin(); it != a.end(); ++it)
      if (it.key() != "title" && it.key() != "description" && it.key() != "panelsJSON" &&
          (!base.contains(it.key()) || !sameAttribute(base[it.key()], it.value())))
        raw[it.key()] = it.value();
    std::string b = "dashboard " + quoteSource(title) + " {\n";
    b += "  url_path = " + quoteSource(urlPath.empty() ? id : urlPath) + "\n";
    b += "  targets = [" + quoteSource(s.name) + "]\n";
    if (!d.memo.empty()) b += "  memo = " + quoteSource(d.memo) + "\n";
    if (std::string r = rawField(raw, "dashboard '" + title + "'", warnings); !r.empty()) b += "  " + r + "\n";
    int n = 0;
    std::string builtId = dashboardId(s.space, urlPath.empty() ? id : urlPath);
    for (const auto& p : panels) {
      if (!p.is_object()) continue;
      std::string index = "p";  // appended, not "p" + string&&: GCC 12 -Wrestrict false positive
      index += std::to_string(n + 1);
      std::string w = widgetBlock(p, refs, byId, s, title, index, builtId + "-" + index, warnings);
      if (!w.empty()) ++n, b += w;
    }
    out += b + "}\n\n";
  }
  return out;
}

bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  try {
    Json doc = Json::parse(text, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("data") && doc["data"].is_array())
      return importRules(doc, source, warnings, error);
    std::vector<Json> objects;
    if (!parseNdjson(text, objects, error)) {
      if (!doc.is_discarded() && doc.is_object())
        error = "not a Kibana file: expected the answer of GET /api/alerting/rules/_find (an object with 'data') or _export NDJSON";
      return false;
    }
    bool any = false;
    for (const auto& o : objects) any = any || o.value("type", "") == "dashboard";
    if (!any) return (error = "no dashboard in the file (an _export of dashboards, one saved object a line)", false);
    TargetSettings s = settingsFromObjects(objects);
    source = targetBlock(s) + dashboardsSource(objects, s, warnings);
    return true;
  } catch (const nlohmann::json::exception& e) {  // a field of an unexpected type
    error = std::string("unexpected shape: ") + e.what();
    return false;
  }
}

}  // namespace mon::kibana
