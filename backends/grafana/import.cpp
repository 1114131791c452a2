// `import grafana DASHBOARD.json`: a classic dashboard -> a `dashboard` block that builds back
// to the same dashboard. What the language models becomes fields (the title, url_path, memo;
// per panel the title, x/y/width/height, the first query and its legend, min/max, decimals,
// a suffix unit, the relative time range, a text panel's markdown); everything else stays as
// Grafana wrote it in `raw.grafana_dashboard` (variables, annotations, links, tags, time,
// refresh, timezone, graphTooltip ...) and per panel in `raw.grafana_panel` (further queries,
// query options, datasources, fieldConfig, overrides, options, links, library panels, rows
// with their nested panels). The Grafana backend writes the fields back into those objects
// (dashboard.cpp), so nothing is lost; what cannot be kept is a warning naming the dashboard
// and the panel. Old `rows` dashboards (schemaVersion < 16) are converted to gridPos first.
#include <algorithm>
#include <cmath>

#include "grafana/grafana.h"
#include "grafana/routing.h"
#include "grafana/zabbix_query.h"
#include "prometheus/mon_source.h"
#include "prometheus/promql.h"
#include "support/json_input.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;

struct Writer {
  std::string out;
  void field(const std::string& k, const std::string& v) { out += "    " + k + " = " + v + "\n"; }
};

std::string str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
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

// A Grafana duration the `range` field gives back exactly ("1h", "30m"; not "60m" or "now-1h").
bool exactDuration(const Json& v) {
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && std::string("smhdw").find(c) == std::string::npos) return false;
  long long n = seconds(s);
  return n > 0 && promql::duration(n) == s;
}

// The first query of a graph or value panel, its legend, and the field settings the widget
// models, moved out of `base` into fields: PromQL's expr and legendFormat, or a Zabbix metrics
// query's item, host group, host and item tag filters, functions and last setAlias.
bool queryFields(Json& base, Writer& w) {
  if (!base.contains("targets") || !base["targets"].is_array() || base["targets"].empty()) return false;
  Json& t = base["targets"][0];
  if (std::optional<zabbix_query::Fields> z = zabbix_query::extract(t)) {
    w.field("query", source::quote(z->item));
    if (!z->hostGroup.empty()) w.field("host_group", source::quote(z->hostGroup));
    if (!z->host.empty()) w.field("host", source::quote(z->host));
    if (!z->itemTag.empty()) w.field("item_tag", source::quote(z->itemTag));
    if (!z->functions.empty()) {
      std::string list;
      for (const auto& f : z->functions) list += (list.empty() ? "" : ", ") + source::quote(f);
      w.field("functions", "[" + list + "]");
    }
    if (!z->legend.empty()) w.field("legend", source::quote(z->legend));
    return true;
  }
  if (!t.is_object() || !t.contains("expr") || !t["expr"].is_string() || t["expr"].get<std::string>().empty()) return false;
  w.field("query", source::quote(t["expr"].get<std::string>()));
  t.erase("expr");
  if (t.contains("legendFormat") && t["legendFormat"].is_string()) {
    w.field("legend", source::quote(t["legendFormat"].get<std::string>()));
    t.erase("legendFormat");
  }
  return true;
}

Json* fieldDefaults(Json& base) {
  if (!base.contains("fieldConfig") || !base["fieldConfig"].is_object()) return nullptr;
  Json& fc = base["fieldConfig"];
  if (!fc.contains("defaults") || !fc["defaults"].is_object()) return nullptr;
  return &fc["defaults"];
}

void valueRange(Json& base, Writer& w) {
  Json* d = fieldDefaults(base);
  if (!d) return;
  bool hasMin = d->contains("min") && (*d)["min"].is_number(), hasMax = d->contains("max") && (*d)["max"].is_number();
  if (!hasMin && !hasMax) return;
  if (hasMin && hasMax && (*d)["max"].get<double>() <= (*d)["min"].get<double>()) return;  // the field takes min < max
  Json range = Json::object();
  if (hasMin) range["min"] = (*d)["min"];
  if (hasMax) range["max"] = (*d)["max"];
  w.field("value_range", source::value(range));
  if (hasMin) d->erase("min");
  if (hasMax) d->erase("max");
}

void timeRange(Json& base, Writer& w) {
  if (!base.contains("timeFrom") || !exactDuration(base["timeFrom"])) return;
  bool shift = base.contains("timeShift") && !base["timeShift"].is_null();
  if (shift && !exactDuration(base["timeShift"])) return;
  std::string r = "{ period = " + source::duration(seconds(base["timeFrom"].get<std::string>()));
  if (shift) r += ", offset = -" + source::duration(seconds(base["timeShift"].get<std::string>()));
  w.field("range", r + " }");
  base.erase("timeFrom");
  if (shift) base.erase("timeShift");
}

void valueFields(Json& base, Writer& w) {
  Json* d = fieldDefaults(base);
  if (!d) return;
  if (d->contains("decimals") && (*d)["decimals"].is_number_integer()) {
    long long n = (*d)["decimals"].get<long long>();
    if (n >= 0 && n <= 16) {
      w.field("fraction_size", std::to_string(n));
      d->erase("decimals");
    }
  }
  std::string unit = str(*d, "unit");
  if (unit.rfind("suffix:", 0) == 0 && unit.size() > 7 && unit.size() - 7 <= 16) {
    w.field("suffix", source::quote(unit.substr(7)));
    d->erase("unit");
  }
}

struct Where {
  std::string dashboard;
  std::string of(const Json& p) const {
    return "dashboard '" + dashboard + "': panel " + (p.contains("id") ? p["id"].dump() : "?") + " '" + str(p, "title") + "'";
  }
};

void panel(const Json& p, const Where& at, std::string& out, std::vector<std::string>& warnings) {
  Json base = p;
  base.erase("gridPos");
  if (!str(p, "title").empty()) base.erase("title");  // an empty or missing title stays as it was
  std::string type = str(p, "type");
  Writer w;
  std::string kind = "markdown";
  if ((type == "timeseries" || type == "graph" || type == "stat") && queryFields(base, w)) {
    kind = type == "stat" ? "value" : "graph";
    if (kind == "graph") {
      valueRange(base, w);
      timeRange(base, w);
    } else {
      valueFields(base, w);
    }
  } else if (type == "text" && base.contains("options") && base["options"].is_object() &&
             base["options"].contains("content") && base["options"]["content"].is_string()) {
    w.field("text", source::quote(base["options"]["content"].get<std::string>()));
    base["options"].erase("content");
  }
  const Json& g = p.value("gridPos", Json::object());
  auto grid = [&](const char* k, int dflt, int lo, int hi) {
    bool given = g.is_object() && g.contains(k);
    long long v = given ? g[k].get<long long>() : dflt;  // not a number: an unexpected shape (thrown)
    if (given && (v < lo || v > hi))
      warnings.push_back(at.of(p) + ": gridPos." + k + " " + std::to_string(v) + " moved into " + std::to_string(lo) + ".." +
                         std::to_string(hi));
    return std::to_string(std::clamp<long long>(v, lo, hi));
  };
  std::string fields = w.out;
  fields += "    raw = { grafana_panel = " + source::value(base) + " }\n";
  fields += "    x = " + grid("x", 0, 0, 23) + "\n";
  fields += "    y = " + grid("y", 0, 0, 100000) + "\n";
  fields += "    width = " + grid("w", 12, 1, 24) + "\n";
  fields += "    height = " + grid("h", 8, 1, 80) + "\n";
  out += "  " + kind + " " + source::quote(str(p, "title")) + " {\n" + fields + "  }\n";
}

// A panel nested deeper than source can say is skipped before anything copies or writes it
// (both recurse per level).
bool tooDeep(const Json& p, const Where& at, std::vector<std::string>& warnings) {
  if (source::depth(p) + 1 <= source::kMaxValueDepth) return false;
  warnings.push_back(at.of(p) + ": skipped: nested more than " + std::to_string(source::kMaxValueDepth - 1) +
                     " levels deep (more than .mon source takes)");
  return true;
}

// gridPos height of an old row or panel height ("250px" or 250): Grafana's own conversion
// (30px cells with 8px gaps, at least 3 cells).
int gridHeight(const Json& h, int dflt) {
  double px = dflt;
  if (h.is_number()) px = h.get<double>();
  else if (h.is_string()) {
    try {
      px = std::stod(h.get<std::string>());
    } catch (...) {
    }
  }
  px = std::max(px, 90.0);
  return std::clamp(static_cast<int>(std::ceil(px / 38.0)), 1, 80);
}

// Old `rows` (schemaVersion < 16) -> panels with gridPos, as Grafana 5 converts them: a row
// panel per row when rows show (collapsed rows keep their panels inside), panels laid out left
// to right at span * 2 columns, wrapping without overlap.
void convertRows(Json& d, const std::string& title, std::vector<std::string>& warnings) {
  Json panels = d.contains("panels") && d["panels"].is_array() ? d["panels"] : Json::array();
  const Json& rows = d["rows"];
  long long nextId = 0;
  for (const auto& row : rows)
    for (const auto& p : row.value("panels", Json::array()))
      if (p.is_object() && p.contains("id") && p["id"].is_number_integer()) nextId = std::max(nextId, p["id"].get<long long>());
  bool showRows = rows.size() > 1;
  for (const auto& row : rows)
    showRows = showRows || (row.is_object() && (row.value("collapse", false) == true || row.value("showTitle", false) == true ||
                                                (row.contains("repeat") && row["repeat"].is_string())));
  int y = 0, converted = 0;
  for (const auto& row : rows) {
    if (!row.is_object()) continue;
    int rowH = gridHeight(row.contains("height") ? row["height"] : Json(250), 250);
    bool collapsed = row.value("collapse", false) == true;
    Json rowPanel;
    if (showRows) {
      rowPanel = {{"id", ++nextId}, {"type", "row"}, {"title", str(row, "title")}, {"collapsed", collapsed},
                  {"panels", Json::array()}, {"gridPos", {{"x", 0}, {"y", y}, {"w", 24}, {"h", 1}}}};
      if (row.contains("repeat") && row["repeat"].is_string() && !row["repeat"].get<std::string>().empty())
        rowPanel["repeat"] = row["repeat"];
      ++y;
    }
    int x = 0, lineY = y, lineH = 0;
    for (auto p : row.value("panels", Json::array())) {
      if (!p.is_object()) continue;
      double span = p.contains("span") && p["span"].is_number() ? p["span"].get<double>() : 4;
      int w = std::clamp(static_cast<int>(std::floor(span)) * 2, 1, 24);
      int h = p.contains("height") ? gridHeight(p["height"], 250) : rowH;
      if (x + w > 24) {
        x = 0;
        lineY += lineH;
        lineH = 0;
      }
      p["gridPos"] = {{"x", x}, {"y", lineY}, {"w", w}, {"h", h}};
      x += w;
      lineH = std::max(lineH, h);
      p.erase("span");
      p.erase("height");
      ++converted;
      if (showRows && collapsed) rowPanel["panels"].push_back(std::move(p));
      else panels.push_back(std::move(p));
    }
    if (showRows) panels.push_back(std::move(rowPanel));
    if (!(showRows && collapsed)) y = lineY + lineH;
  }
  // Row panels first in the list would not change the view; keep them where they sit by y.
  std::stable_sort(panels.begin(), panels.end(), [](const Json& a, const Json& b) {
    auto at = [](const Json& p) {
      const Json& g = p.value("gridPos", Json::object());
      return std::make_pair(g.value("y", 0), g.value("x", 0));
    };
    return at(a) < at(b);
  });
  d["panels"] = std::move(panels);
  d.erase("rows");
  warnings.push_back("dashboard '" + title + "': " + std::to_string(converted) +
                     " panel(s) of old-format rows placed on the grid as Grafana 5 converts them (span -> width, row "
                     "height -> height); row settings other than title, collapse and repeat are not kept");
}

// Keys of an exported or saved dashboard that are not the dashboard's facts: Grafana assigns
// id and version on save; schemaVersion is the target's (`schema_version`).
void dropBookkeeping(Json& d, const std::string& title, std::vector<std::string>& warnings) {
  for (const char* k : {"id", "version", "schemaVersion", "iteration"}) d.erase(k);
  if (d.contains("__inputs") && d["__inputs"].is_array() && !d["__inputs"].empty()) {
    std::string names;
    for (const auto& in : d["__inputs"]) names += std::string(names.empty() ? "" : ", ") + "${" + str(in, "name") + "}";
    warnings.push_back("dashboard '" + title + "': export inputs " + names +
                       " not kept; the panels still name them, so bind them in Grafana or replace them with the "
                       "data source uid (or a datasource variable)");
  }
  if (d.contains("__elements") && d["__elements"].is_object() && !d["__elements"].empty())
    warnings.push_back("dashboard '" + title + "': " + std::to_string(d["__elements"].size()) +
                       " library panel model(s) in __elements not kept; the panels keep their libraryPanel references, "
                       "which Grafana resolves to the library panels of its instance");
  if (d.contains("gnetId") && !d["gnetId"].is_null())
    warnings.push_back("dashboard '" + title + "': gnetId " + d["gnetId"].dump() + " (the grafana.com dashboard id) not kept");
  for (const char* k : {"__inputs", "__requires", "__elements", "gnetId"}) d.erase(k);
}

bool importChecked(const std::string& jsonText, const ImportOptions& opts, std::string& source,
                   std::vector<std::string>& warnings, std::string& error) {
  Json d;
  if (JsonInputError e; !readJsonInput(jsonText, d, e)) {
    error = "invalid JSON: " + e.where();
    return false;
  }
  if (d.is_object() && d.contains("dashboard") && d["dashboard"].is_object() && !d.contains("schemaVersion")) {
    Json inner = std::move(d["dashboard"]);  // moved, not copied: a copy recurses per level
    d = std::move(inner);
  }
  bool oldRows = d.is_object() && d.contains("rows") && d["rows"].is_array();
  if (!d.is_object() || (!oldRows && (!d.contains("panels") || !d["panels"].is_array()))) {
    error = "not a Grafana dashboard (expected an object with a 'panels' list)";
    return false;
  }
  const std::string title = str(d, "title");
  Where at{title};
  // Panels too deep for source go first, before the conversion and the copies below.
  auto prune = [&](Json& list) {
    Json kept = Json::array();
    for (auto& p : list)
      if (p.is_object() && !tooDeep(p, at, warnings)) kept.push_back(std::move(p));
    list = std::move(kept);
  };
  if (d.contains("panels") && d["panels"].is_array()) prune(d["panels"]);
  if (oldRows)
    for (auto& row : d["rows"])
      if (row.is_object() && row.contains("panels") && row["panels"].is_array()) prune(row["panels"]);
  if (oldRows) convertRows(d, title, warnings);
  dropBookkeeping(d, title, warnings);
  std::string uid = str(d, "uid");
  if (uid.empty()) {
    warnings.push_back("dashboard '" + title + "': no uid; url_path is 'imported'");
    uid = "imported";
  }
  Json panels = std::move(d["panels"]);
  Json settings = d;
  for (const char* k : {"uid", "title", "panels"}) settings.erase(k);
  std::string memo;
  if (settings.contains("description") && settings["description"].is_string()) {
    memo = settings["description"].get<std::string>();
    settings.erase("description");
  }
  if (source::depth(settings) + 1 > source::kMaxValueDepth) {
    warnings.push_back("dashboard '" + title + "': settings (variables, annotations, links ...) skipped: nested more than " +
                       std::to_string(source::kMaxValueDepth - 1) + " levels deep");
    settings = Json::object();
  }
  source = "# Imported from a Grafana dashboard by monitorc.\n";
  if (opts.declareTarget)
    source += "# It goes to this Grafana target only (drop the declaration when another file has it).\ntarget grafana " +
              source::quote(opts.target) + " {}\n\n";
  source += "dashboard " + source::quote(title) + " {\n";
  source += "  url_path = " + source::quote(uid) + "\n";
  source += "  targets = [" + source::quote(opts.target) + "]\n";
  if (!memo.empty()) source += "  memo = " + source::quote(memo) + "\n";
  source += "  raw = { grafana_dashboard = " + source::value(settings) + " }\n";
  for (const auto& p : panels) panel(p, at, source, warnings);
  source += "}\n";
  return true;
}

}  // namespace

bool importDashboard(const std::string& jsonText, std::string& source, std::vector<std::string>& warnings,
                     std::string& error) {
  // The same command imports the notification resources (routing.h).
  if (looksLikeRouting(jsonText)) return importRouting(jsonText, source, warnings, error);
  return importDashboard(jsonText, ImportOptions{}, source, warnings, error);
}

bool importDashboard(const std::string& jsonText, const ImportOptions& opts, std::string& source,
                     std::vector<std::string>& warnings, std::string& error) {
  try {
    return importChecked(jsonText, opts, source, warnings, error);
  } catch (const nlohmann::json::exception& e) {  // a field of an unexpected type
    error = std::string("unexpected dashboard shape: ") + e.what();
    return false;
  }
}

}  // namespace mon::grafana
