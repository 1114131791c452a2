// `import grafana DASHBOARD.json`: a classic dashboard -> a `dashboard` block. timeseries,
// stat, text and alertlist panels become graph, value, markdown and alert_status widgets placed
// by hand (x, y, width, height = the gridPos); other panels pass through as a markdown widget
// whose raw `grafana_panel` the Grafana backend writes back as it was (with a warning).
#include <algorithm>

#include "grafana/grafana.h"
#include "support/json_input.h"
#include "prometheus/mon_source.h"
#include "prometheus/promql.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;

struct Writer {
  std::string out;
  void field(const std::string& k, const std::string& v) { out += "    " + k + " = " + v + "\n"; }
};

std::string str(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// The PromQL text and legend of a panel's first target.
void queryFields(const Json& p, Writer& w, std::vector<std::string>& warnings, const std::string& where) {
  const Json& ts = p.value("targets", Json::array());
  if (ts.empty() || !ts[0].is_object() || str(ts[0], "expr").empty()) {
    warnings.push_back(where + ": no PromQL target; the query is left empty");
    w.field("query", source::quote(""));
    return;
  }
  if (ts.size() > 1) warnings.push_back(where + ": only the first of " + std::to_string(ts.size()) + " queries is kept");
  w.field("query", source::quote(str(ts[0], "expr")));
  if (!str(ts[0], "legendFormat").empty()) w.field("legend", source::quote(str(ts[0], "legendFormat")));
}

long long seconds(const std::string& d) {
  long long total = 0, n = 0;
  for (char c : d) {
    if (std::isdigit(static_cast<unsigned char>(c))) n = n * 10 + (c - '0');
    else {
      total += n * (c == 'd' ? 86400 : c == 'h' ? 3600 : c == 'm' ? 60 : c == 'w' ? 604800 : 1);
      n = 0;
    }
  }
  return total;
}

// Threshold steps after the base step.
Json upperSteps(const Json& defaults) {
  Json out = Json::array();
  if (!defaults.contains("thresholds")) return out;
  const Json& steps = defaults["thresholds"].value("steps", Json::array());
  for (size_t i = 1; i < steps.size(); ++i) out.push_back(steps[i]);
  return out;
}

void graph(const Json& p, Writer& w, std::vector<std::string>& warnings, const std::string& where) {
  queryFields(p, w, warnings, where);
  Json defaults = p.value("fieldConfig", Json::object()).value("defaults", Json::object());
  Json range = Json::object();
  if (defaults.contains("min")) range["min"] = defaults["min"];
  if (defaults.contains("max")) range["max"] = defaults["max"];
  if (!range.empty()) w.field("value_range", source::value(range));
  Json lines = Json::array();
  for (const auto& s : upperSteps(defaults)) lines.push_back({{"label", "threshold"}, {"value", s.value("value", 0.0)}});
  if (!lines.empty()) w.field("reference_lines", source::value(lines));
  // What the graph fields do not model goes to `raw`, which the Grafana backend merges back.
  static const char* modeled[] = {"id", "type", "title", "gridPos", "targets", "datasource", "timeFrom", "timeShift",
                                  "fieldConfig", "options", "pluginVersion"};
  Json raw = Json::object();
  for (auto it = p.begin(); it != p.end(); ++it)
    if (std::find(std::begin(modeled), std::end(modeled), it.key()) == std::end(modeled)) raw[it.key()] = it.value();
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (it.key() != "min" && it.key() != "max" && it.key() != "thresholds" && it.key() != "custom")
      raw["fieldConfig"]["defaults"][it.key()] = it.value();
  Json overrides = p.value("fieldConfig", Json::object()).value("overrides", Json::array());
  if (!overrides.empty()) raw["fieldConfig"]["overrides"] = overrides;
  if (!raw.empty()) w.field("raw", source::value(raw));
  if (!str(p, "timeFrom").empty()) {
    std::string r = "{ period = " + source::duration(seconds(str(p, "timeFrom")));
    if (!str(p, "timeShift").empty()) r += ", offset = -" + source::duration(seconds(str(p, "timeShift")));
    w.field("range", r + " }");
  }
}

void stat(const Json& p, Writer& w, std::vector<std::string>& warnings, const std::string& where) {
  queryFields(p, w, warnings, where);
  Json defaults = p.value("fieldConfig", Json::object()).value("defaults", Json::object());
  if (defaults.contains("decimals")) w.field("fraction_size", source::value(defaults["decimals"]));
  std::string unit = str(defaults, "unit");
  if (unit.rfind("suffix:", 0) == 0) w.field("suffix", source::quote(unit.substr(7)));
  else if (!unit.empty()) warnings.push_back(where + ": unit '" + unit + "' dropped (only suffix:TEXT maps to 'suffix')");
  Json up = upperSteps(defaults);
  if (!up.empty()) {
    const Json& steps = defaults["thresholds"]["steps"];
    std::string base = str(steps[0], "color");
    std::string op = base == "green" ? ">" : "<";
    w.field("format_rules", "[{ name = \"threshold\", threshold = " + source::value(up[0].value("value", Json(0))) +
                                ", operator = \"" + op + "\" }]");
    if (up.size() > 1) warnings.push_back(where + ": only the first threshold step is kept");
  }
}

// `{service="a", role="b"}` -> "a:b"; empty when the filter has another shape.
std::string roleOf(const std::string& filter) {
  auto val = [&](const std::string& key) -> std::string {
    size_t at = filter.find(key + "=\"");
    if (at == std::string::npos) return "";
    size_t b = at + key.size() + 2, e = filter.find('"', b);
    return e == std::string::npos ? "" : filter.substr(b, e - b);
  };
  std::string s = val("service"), r = val("role");
  return s.empty() ? "" : r.empty() ? s : s + ":" + r;
}

void panel(const Json& p, std::string& out, std::vector<std::string>& warnings) {
  std::string type = str(p, "type"), title = str(p, "title");
  std::string where = "panel " + std::to_string(p.value("id", 0)) + " '" + title + "'";
  Writer w;
  std::string kind;
  if (type == "timeseries" || type == "graph") {
    kind = "graph";
    graph(p, w, warnings, where);
  } else if (type == "stat") {
    kind = "value";
    stat(p, w, warnings, where);
  } else if (type == "text") {
    kind = "markdown";
    w.field("text", source::quote(p.value("options", Json::object()).value("content", std::string())));
  } else if (type == "alertlist") {
    kind = "alert_status";
    std::string role = roleOf(p.value("options", Json::object()).value("alertInstanceLabelFilter", std::string()));
    if (role.empty()) warnings.push_back(where + ": no service/role label filter; 'role' is left empty");
    w.field("role", source::quote(role));
  } else {
    kind = "markdown";
    warnings.push_back(where + ": panel type '" + type + "' passed through as raw JSON");
    Json raw = p;
    raw.erase("id");
    raw.erase("gridPos");
    w.field("text", source::quote("Grafana panel '" + type + "'"));
    w.field("raw", "{ grafana_panel = " + source::value(raw) + " }");
  }
  const Json& g = p.value("gridPos", Json::object());
  w.field("x", std::to_string(g.value("x", 0)));
  w.field("y", std::to_string(g.value("y", 0)));
  w.field("width", std::to_string(g.value("w", 12)));
  w.field("height", std::to_string(g.value("h", 8)));
  out += "  " + kind + " " + source::quote(title) + " {\n" + w.out + "  }\n";
}

}  // namespace

namespace {

// A panel nested deeper than source can say is skipped before anything copies or writes it
// (both recurse per level).
bool tooDeep(const Json& p, std::vector<std::string>& warnings) {
  if (source::depth(p) <= source::kMaxValueDepth) return false;
  warnings.push_back("panel " + std::to_string(p.value("id", 0)) + " '" + str(p, "title") + "': skipped: nested more than " +
                     std::to_string(source::kMaxValueDepth) + " levels deep (more than .mon source takes)");
  return true;
}

// Dashboard settings the `dashboard` block does not carry yet: a warning for each one that
// differs from what the Grafana backend writes, so nothing is lost silently.
void droppedSettings(const Json& d, std::vector<std::string>& warnings) {
  static const char* kept[] = {"uid", "title", "description", "panels", "rows", "id", "version", "schemaVersion",
                               "__inputs", "__requires", "__elements", "gnetId", "iteration"};
  const Json written = {{"tags", Json::array({"monitorc"})},
                        {"timezone", "browser"},
                        {"editable", true},
                        {"graphTooltip", 0},
                        {"time", {{"from", "now-6h"}, {"to", "now"}}},
                        {"refresh", "1m"},
                        {"templating", {{"list", Json::array()}}},
                        {"annotations", {{"list", Json::array()}}}};
  for (auto it = d.begin(); it != d.end(); ++it) {
    if (std::find(std::begin(kept), std::end(kept), it.key()) != std::end(kept)) continue;
    if (written.contains(it.key()) && written[it.key()] == it.value()) continue;
    if (it.key() == "tags" && it.value() == Json::array()) continue;
    if (it.key() == "templating") {
      const Json& list = it.value().value("list", Json::array());
      std::string names;
      for (const auto& v : list) names += std::string(names.empty() ? "" : ", ") + "$" + (v.is_object() ? str(v, "name") : "?");
      warnings.push_back("dashboard: " + std::to_string(list.size()) + " templating variable(s) dropped (" + names +
                         "); queries that use them will not resolve");
      continue;
    }
    std::string v = source::depth(it.value()) <= source::kMaxValueDepth ? source::value(it.value()) : "nested too deep to show";
    if (v.size() > 60) v = v.substr(0, 57) + "...";
    warnings.push_back("dashboard: '" + it.key() + "' dropped (" + v + ")");
  }
}

// Panels of the old `rows` format (before schemaVersion 16), which the import does not convert.
void droppedRows(const Json& d, std::vector<std::string>& warnings) {
  if (!d.contains("rows") || !d["rows"].is_array()) return;
  for (const auto& row : d["rows"]) {
    if (!row.is_object()) continue;
    for (const auto& p : row.value("panels", Json::array()))
      if (p.is_object())
        warnings.push_back("panel " + std::to_string(p.value("id", 0)) + " '" + str(p, "title") + "' in old-format row '" +
                           str(row, "title") + "' dropped (open and save the dashboard in Grafana 5+ to convert rows)");
  }
}

bool importChecked(const std::string& jsonText, std::string& source, std::vector<std::string>& warnings,
                   std::string& error) {
  Json d;
  if (JsonInputError e; !readJsonInput(jsonText, d, e)) {
    error = "invalid JSON: " + e.where();
    return false;
  }
  if (d.is_object() && d.contains("dashboard") && d["dashboard"].is_object() && !d.contains("schemaVersion")) {
    Json inner = std::move(d["dashboard"]);  // moved, not copied: a copy recurses per level
    d = std::move(inner);
  }
  if (d.is_object() && !d.contains("panels") && d.contains("rows") && d["rows"].is_array()) d["panels"] = Json::array();
  if (!d.is_object() || !d.contains("panels") || !d["panels"].is_array()) {
    error = "not a Grafana dashboard (expected an object with a 'panels' list)";
    return false;
  }
  droppedSettings(d, warnings);
  droppedRows(d, warnings);
  std::string uid = str(d, "uid");
  if (uid.empty()) {
    warnings.push_back("the dashboard has no uid; url_path is 'imported'");
    uid = "imported";
  }
  source = "# Imported from a Grafana dashboard by monitorc.\ndashboard " + source::quote(str(d, "title")) + " {\n";
  source += "  url_path = " + source::quote(uid) + "\n";
  if (!str(d, "description").empty()) source += "  memo = " + source::quote(str(d, "description")) + "\n";
  std::vector<Json> panels;
  for (const auto& p : d["panels"]) {
    if (!p.is_object() || tooDeep(p, warnings)) continue;
    if (str(p, "type") == "row") {
      for (const auto& child : p.value("panels", Json::array())) panels.push_back(child);
      continue;  // rows are layout only: their panels keep their own gridPos
    }
    panels.push_back(p);
  }
  for (const auto& p : panels) panel(p, source, warnings);
  source += "}\n";
  return true;
}

}  // namespace

bool importDashboard(const std::string& jsonText, std::string& source, std::vector<std::string>& warnings,
                     std::string& error) {
  try {
    return importChecked(jsonText, source, warnings, error);
  } catch (const nlohmann::json::exception& e) {  // a field of an unexpected type
    error = std::string("unexpected dashboard shape: ") + e.what();
    return false;
  }
}

}  // namespace mon::grafana
