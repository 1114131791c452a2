// Dashboards -> NerdGraph's DashboardInput. A widget's NRQL (`query`) is shown as New Relic
// shows NRQL: a graph as viz.line, a value as viz.billboard, markdown
// as viz.markdown. What only Mackerel can draw (host, role and service graphs, expressions,
// alert status) cannot be expressed; what New Relic has no place for is dropped with a warning.
#include "newrelic/dashboards.h"

#include <algorithm>
#include <set>

#include "ownership.h"
#include "prometheus/targets.h"

namespace mon::newrelic {

namespace {

struct Dropped {
  Range at;
  std::string field;
  std::string why;
};

struct WidgetOut {
  Json input;
  std::string whyNot;
  std::vector<Dropped> dropped;
};

const char* kindWord(ir::WidgetKind k) {
  switch (k) {
    case ir::WidgetKind::Graph: return "graph";
    case ir::WidgetKind::Value: return "value";
    case ir::WidgetKind::Markdown: return "markdown";
    case ir::WidgetKind::AlertStatus: return "alert_status";
  }
  return "widget";
}

// Keys sorted at every level: rawConfiguration is free-form JSON the service keeps in an
// order of its own.
Json sortedKeys(const Json& j) { return Json::parse(nlohmann::json::parse(j.dump()).dump()); }

WidgetOut widget(const ir::Widget& w, int64_t accountId) {
  WidgetOut out;
  auto drop = [&](const char* field, const std::string& why) {
    if (const ir::Prop* p = w.props.find(field); p && p->range.valid()) out.dropped.push_back({p->range, field, why});
  };
  std::string viz;
  Json raw = Json::object();
  std::string query = w.props.str("query");
  switch (w.kind) {
    case ir::WidgetKind::Graph:
    case ir::WidgetKind::Value: {
      if (query.empty()) {
        out.whyNot = std::string(kindWord(w.kind)) + " widget '" + w.title +
                     "' has no NRQL `query` (host, role, service and expression graphs are Mackerel's)";
        return out;
      }
      raw["nrqlQueries"] = Json::array({{{"accountIds", Json::array({accountId})}, {"query", query}}});
      for (const char* f : {"host_id", "role", "service", "expression", "metric"})
        drop(f, "the NRQL `query` decides what is shown");
      drop("legend", "New Relic names series after the NRQL's aliases ('AS')");
      if (w.kind == ir::WidgetKind::Graph) {
        viz = "viz.line";
        if (const ir::Prop* vr = w.props.find("value_range"); vr && vr->value.is_object()) {
          Json axis = Json::object();
          for (const char* k : {"min", "max"})
            if (vr->value.contains(k)) axis[k] = vr->value[k];
          if (!axis.empty()) raw["yAxisLeft"] = axis;
        }
        drop("unit", "New Relic takes the unit from the NRQL's attribute");
        drop("range", "the NRQL's SINCE, or the dashboard's time picker, decides the range");
        drop("reference_lines", "line charts have no reference lines through the API monitorc writes");
        drop("legend_list", "the NRQL's SELECT decides the series");
      } else {
        viz = "viz.billboard";
        drop("fraction_size", "billboards choose their own precision");
        drop("suffix", "billboards take the unit from the NRQL's attribute");
        drop("format_rules", "write billboard thresholds in raw.rawConfiguration.thresholds");
      }
      break;
    }
    case ir::WidgetKind::Markdown:
      viz = "viz.markdown";
      raw["text"] = w.props.str("text");
      break;
    case ir::WidgetKind::AlertStatus:
      out.whyNot = "alert_status widget '" + w.title + "' shows a Mackerel role's alerts; New Relic has no such widget";
      return out;
  }
  // The native form: raw.visualization names another chart (viz.table, viz.bar, viz.pie ...),
  // raw.rawConfiguration is merged over what monitorc writes. Other systems' keys are theirs.
  for (auto it = w.raw.begin(); it != w.raw.end(); ++it) {
    const std::string& k = it.key();
    if (k == "visualization") {
      if (!it.value().is_string() || it.value().get<std::string>().rfind("viz.", 0) != 0)
        return (out.whyNot = "widget '" + w.title + "': raw.visualization is a chart id such as \"viz.table\"", out);
      viz = it.value().get<std::string>();
    } else if (k == "rawConfiguration") {
      if (!it.value().is_object()) return (out.whyNot = "widget '" + w.title + "': raw.rawConfiguration is a map", out);
      for (auto r = it.value().begin(); r != it.value().end(); ++r) raw[r.key()] = r.value();
    } else if (k.rfind("grafana_", 0) != 0) {
      return (out.whyNot = "widget '" + w.title + "': raw key '" + k +
                           "' is not one of New Relic's (visualization, rawConfiguration)", out);
    }
  }
  const ir::Layout& l = w.layout;
  // New Relic's grid has 12 columns to monitorc's 24: odd positions and widths round.
  if (l.x % 2) out.dropped.push_back({w.range, "x", "New Relic's grid has 12 columns; x " + std::to_string(l.x) +
                                                     " becomes column " + std::to_string(l.x / 2 + 1) + " (x " +
                                                     std::to_string(l.x / 2 * 2) + ")"});
  if (l.width % 2) out.dropped.push_back({w.range, "width", "New Relic's grid has 12 columns; width " + std::to_string(l.width) +
                                                             " becomes " + std::to_string((l.width + 1) / 2) + " columns (width " +
                                                             std::to_string((l.width + 1) / 2 * 2) + ")"});
  int column = std::clamp(l.x / 2 + 1, 1, kColumns);
  int width = std::clamp((l.width + 1) / 2, 1, kColumns - column + 1);
  out.input = {{"title", w.title},
               {"visualization", {{"id", viz}}},
               {"layout", {{"column", column}, {"row", l.y + 1}, {"width", width}, {"height", std::max(1, l.height)}}},
               {"rawConfiguration", sortedKeys(raw)}};
  return out;
}

}  // namespace

bool validPermissions(const std::string& p) {
  return p == "PRIVATE" || p == "PUBLIC_READ_ONLY" || p == "PUBLIC_READ_WRITE";
}

std::vector<DashboardOnTarget> dashboardsFor(const ir::Module& module, const ir::Target& t, int64_t accountId,
                                             DiagEngine& diags) {
  std::vector<DashboardOnTarget> out;
  std::set<std::string> names;
  auto cannot = [&](const ir::Dashboard& d, Range at, const std::string& why) {
    diags.report(at.valid() ? at : d.range, diag::err_target_cannot_express, {"dashboard", d.title, t.kind, t.name, why})
        .note(Range{}, "restrict the dashboard to the targets that can show it with 'targets = [...]'");
  };
  for (const auto& d : module.dashboards) {
    if (!targets::selects(d.targets, t)) continue;
    // Dashboards are matched by name: two of one name on one target could not be told apart.
    if (!names.insert(d.title).second) {
      cannot(d, d.range, "another dashboard for this target has the same name (New Relic dashboards are matched by name)");
      continue;
    }
    if (d.title.empty() || d.title.size() > 255) {
      cannot(d, d.range, "a New Relic dashboard's name has 1 to 255 characters");
      continue;
    }
    std::string permissions = "PUBLIC_READ_WRITE";
    std::string whyNot;
    Range whyAt;
    for (auto it = d.raw.begin(); it != d.raw.end() && whyNot.empty(); ++it) {
      if (it.key() == "permissions") {
        permissions = it.value().is_string() ? it.value().get<std::string>() : "";
        if (!validPermissions(permissions)) whyNot = "raw.permissions is PUBLIC_READ_WRITE, PUBLIC_READ_ONLY or PRIVATE";
      } else if (it.key().rfind("grafana_", 0) != 0) {
        whyNot = "raw key '" + it.key() + "' is not one of New Relic's (permissions)";
      }
    }
    Json widgets = Json::array();
    std::vector<Dropped> dropped;
    for (const auto& w : d.widgets) {
      if (!whyNot.empty()) break;
      WidgetOut wo = widget(w, accountId);
      if (!wo.whyNot.empty()) {
        whyNot = wo.whyNot;
        whyAt = w.range;
        break;
      }
      for (auto& x : wo.dropped) dropped.push_back(std::move(x));
      widgets.push_back(std::move(wo.input));
    }
    if (!whyNot.empty()) {
      cannot(d, whyAt, whyNot);
      continue;
    }
    for (const auto& x : dropped)
      diags.report(x.at.valid() ? x.at : d.range, diag::warn_target_drops_field, {x.field, "dashboard", d.title, t.kind, t.name, x.why});
    Json input = {{"name", d.title},
                  {"description", engine::addOwnerMarker(d.memo)},
                  {"permissions", permissions},
                  {"pages", Json::array({{{"name", d.title}, {"widgets", std::move(widgets)}}})}};
    out.push_back({&d, std::move(input)});
  }
  return out;
}

Json canonicalDashboard(const Json& d) {
  auto str = [](const Json& o, const char* k) {
    return o.is_object() && o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  Json out = Json::object();
  out["name"] = str(d, "name");
  out["description"] = engine::stripOwnerMarker(str(d, "description"));  // ownership is the engine's to compare
  std::string perm = str(d, "permissions");
  out["permissions"] = perm.empty() ? "PUBLIC_READ_WRITE" : perm;
  Json pages = Json::array();
  for (const auto& p : d.value("pages", Json::array())) {
    if (!p.is_object()) continue;
    Json page = {{"name", str(p, "name")}, {"description", str(p, "description")}};
    Json widgets = Json::array();
    for (const auto& w : p.value("widgets", Json::array())) {
      if (!w.is_object()) continue;
      const Json& l = w.value("layout", Json::object());
      auto num = [&](const char* k, int dflt) { return l.is_object() && l.contains(k) && l[k].is_number() ? l[k].get<int>() : dflt; };
      const Json& v = w.value("visualization", Json::object());
      Json raw = w.contains("rawConfiguration") && w["rawConfiguration"].is_object() ? sortedKeys(w["rawConfiguration"]) : Json::object();
      widgets.push_back({{"title", str(w, "title")},
                         {"visualization", {{"id", str(v, "id")}}},
                         {"layout", {{"column", num("column", 1)}, {"row", num("row", 1)}, {"width", num("width", 4)}, {"height", num("height", 3)}}},
                         {"rawConfiguration", raw}});
    }
    page["widgets"] = std::move(widgets);
    pages.push_back(std::move(page));
  }
  out["pages"] = std::move(pages);
  return out;
}

}  // namespace mon::newrelic
