#include "zabbix/dashboards.h"

#include <algorithm>

#include "ownership.h"
#include "support/text.h"

namespace mon::zabbix {

namespace {

// Widget field types of the API: 0 integer, 1 string, 4 item (its id).
constexpr int kInt = 0, kString = 1, kItem = 4;
// The item widget's decimal places: 0 to 10 in 6.0.
constexpr int kMaxDecimals = 10;
// Zabbix 6.0's grid: 24 columns; heights of 2 to 32 rows of 70 px.
constexpr int kColumns = 24, kMinHeight = 2, kMaxHeight = 32;

std::string text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

Json field(int type, const std::string& name, const Json& value) { return {{"type", type}, {"name", name}, {"value", value}}; }

struct WidgetOut {
  Json widget;
  std::string whyNot;
  std::vector<std::pair<const char*, std::string>> droppedFields;  // field, why
};

bool isRegex(const std::string& s) { return s.size() >= 2 && s.front() == '/' && s.rfind('/') > 0; }

// An svggraph: one data set, the widget's `host` or else the target's hosts (every host when it
// names none) and the item name pattern `query` ("CPU utilization", "mysql.*").
WidgetOut graph(const ir::Widget& w, const TargetSettings& s) {
  for (const char* f : {"host_id", "role", "service", "expression"})
    if (w.props.has(f)) return {{}, std::string("a graph by '") + f + "' reads Mackerel; give 'query' (an item name pattern)", {}};
  std::string pattern = w.props.str("query");
  std::string host = w.props.str("host");
  // Regex filters are Grafana's Zabbix data source's; Zabbix graphs match names with '*'.
  if (isRegex(pattern) || isRegex(host))
    return {{}, std::string("its ") + (isRegex(pattern) ? "item" : "host") +
                    " filter is a /regex/ (Grafana's Zabbix data source); Zabbix graphs take names with '*' wildcards", {}};
  WidgetOut out;
  if (w.props.has("host_group")) out.droppedFields.push_back({"host_group", "a Zabbix 6.0 graph data set names hosts, not host groups"});
  if (w.props.has("item_tag")) out.droppedFields.push_back({"item_tag", "a Zabbix 6.0 graph data set names items, not item tags"});
  if (w.props.has("functions"))
    out.droppedFields.push_back({"functions", "these are Grafana's Zabbix data source functions"});
  Json fields = Json::array();
  std::vector<std::string> hosts = !host.empty() ? std::vector<std::string>{host}
                                   : s.hosts.empty() ? std::vector<std::string>{"*"}
                                                     : s.hosts;
  for (size_t i = 0; i < hosts.size(); ++i) fields.push_back(field(kString, "ds.hosts.0." + std::to_string(i), hosts[i]));
  fields.push_back(field(kString, "ds.items.0.0", pattern));
  if (const ir::Prop* vr = w.props.find("value_range"); vr && vr->value.is_object()) {
    if (vr->value.contains("min")) fields.push_back(field(kString, "lefty_min", formatNumber(vr->value["min"].get<double>())));
    if (vr->value.contains("max")) fields.push_back(field(kString, "lefty_max", formatNumber(vr->value["max"].get<double>())));
  }
  out.widget = {{"type", "svggraph"}, {"fields", fields}};
  return out;
}

// The problems of monitorc's triggers (tag managed_by=monitorc): Zabbix has no Mackerel roles.
WidgetOut problems(const ir::Widget&) {
  Json fields = Json::array({field(kString, "tags.tag.0", kOwnerTag), field(kInt, "tags.operator.0", 1),
                             field(kString, "tags.value.0", kOwnerValue)});
  return {{{"type", "problems"}, {"fields", fields}}, "", {}};
}

// An item widget ("item value"): the last value of item `metric` (its key) on host `host_id`
// (its technical name), named by host and key in the body ({host, key}) and by its id on the
// server (dashboardParams, dashboardFromApi).
WidgetOut itemValue(const ir::Widget& w) {
  for (const char* f : {"service", "expression", "query"})
    if (w.props.has(f))
      return {{}, std::string("an item value widget shows one host's item: give 'host_id' (the host's technical name) and 'metric' "
                              "(the item's key), not '") + f + "'"};
  std::string key = w.props.str("metric"), host = w.props.str("host_id");
  if (key.empty() || host.empty())
    return {{}, "an item value widget shows one host's item: give 'host_id' (the host's technical name) and 'metric' (the item's key)"};
  Json fields = Json::array({field(kItem, "itemid", {{"host", host}, {"key", key}})});
  bool advanced = false;
  if (const ir::Prop* f = w.props.find("fraction_size"); f && f->value.is_number()) {
    fields.push_back(field(kInt, "decimal_places", std::min(kMaxDecimals, static_cast<int>(f->value.get<double>()))));
    advanced = true;
  }
  if (std::string suffix = w.props.str("suffix"); !suffix.empty()) {
    fields.push_back(field(kString, "units", suffix));
    advanced = true;
  }
  // Decimal places and units are "advanced configuration" in the widget's form.
  if (advanced) fields.push_back(field(kInt, "adv_conf", 1));
  return {{{"type", "item"}, {"fields", fields}}, ""};
}

Json sortedFields(const Json& fields) {
  std::vector<Json> v;
  if (fields.is_array())
    for (const auto& f : fields) v.push_back({{"type", text(f.value("type", Json(""))), }, {"name", text(f.value("name", Json("")))},
                                              {"value", text(f.value("value", Json("")))}});
  std::sort(v.begin(), v.end(), [](const Json& a, const Json& b) { return a["name"] < b["name"]; });
  return Json(v);
}

}  // namespace

std::string ownedPageName(const TargetSettings& s) { return "monitorc: " + s.templateHost; }

DashboardTranslation translateDashboard(const ir::Dashboard& d, const TargetSettings& s) {
  DashboardTranslation out;
  Json widgets = Json::array();
  for (const auto& w : d.widgets) {
    WidgetOut o;
    const char* what = "";
    switch (w.kind) {
      case ir::WidgetKind::Graph: what = "graph"; o = graph(w, s); break;
      case ir::WidgetKind::AlertStatus: what = "alert_status"; o = problems(w); break;
      case ir::WidgetKind::Value: what = "value"; o = itemValue(w); break;
      case ir::WidgetKind::Markdown:
        what = "markdown";
        o.whyNot = "Zabbix 6.0 dashboards have no free-text widget (plain text shows item values, url embeds a page)";
        break;
    }
    if (!o.whyNot.empty()) {
      out.dropped.push_back({&w, std::string(what) + " '" + w.title + "'", o.whyNot});
      continue;
    }
    for (const auto& [field, why] : o.droppedFields)
      out.dropped.push_back({&w, std::string(field) + " (" + what + " '" + w.title + "')", why, w.props.find(field)});
    Json& wj = o.widget;
    wj["name"] = w.title;
    wj["x"] = std::clamp(w.layout.x, 0, kColumns - 1);
    wj["y"] = std::max(w.layout.y, 0);
    wj["width"] = std::clamp(w.layout.width, 1, kColumns - wj["x"].get<int>());
    wj["height"] = std::clamp(w.layout.height, kMinHeight, kMaxHeight);
    wj["view_mode"] = 0;
    widgets.push_back(std::move(wj));
  }
  out.body = {{"urlPath", d.title}, {"name", d.title}, {"private", 0},
              {"pages", Json::array({{{"name", ownedPageName(s)}, {"widgets", widgets}}})}};
  return out;
}

Json normalizeDashboard(const Json& body) {
  Json pages = Json::array();
  for (const auto& p : body.value("pages", Json::array())) {
    std::vector<Json> widgets;
    for (const auto& w : p.value("widgets", Json::array())) {
      Json n = Json::object();
      for (const char* f : {"type", "name", "x", "y", "width", "height"}) n[f] = text(w.value(f, Json("")));
      n["view_mode"] = w.contains("view_mode") ? text(w["view_mode"]) : "0";
      n["fields"] = sortedFields(w.value("fields", Json::array()));
      widgets.push_back(std::move(n));
    }
    std::sort(widgets.begin(), widgets.end(), [](const Json& a, const Json& b) {
      auto key = [](const Json& w) { return std::make_pair(std::atoi(w["y"].get<std::string>().c_str()), std::atoi(w["x"].get<std::string>().c_str())); };
      return key(a) < key(b);
    });
    pages.push_back({{"name", text(p.value("name", Json("")))}, {"widgets", Json(widgets)}});
  }
  return {{"name", text(body.value("name", Json("")))},
          {"private", body.contains("private") ? text(body["private"]) : "1"},
          {"pages", pages}};
}

std::vector<std::string> itemIdsIn(const Json& d) {
  std::vector<std::string> ids;
  for (const auto& p : d.value("pages", Json::array()))
    for (const auto& w : p.value("widgets", Json::array()))
      for (const auto& f : w.value("fields", Json::array()))
        if (text(f.value("type", Json(""))) == std::to_string(kItem)) ids.push_back(text(f.value("value", Json(""))));
  return ids;
}

Json dashboardFromApi(const Json& d, const TargetSettings& s, const std::map<std::string, Json>& items) {
  Json pages = Json::array();
  for (const auto& p : d.value("pages", Json::array())) {
    Json widgets = Json::array();
    for (const auto& w : p.value("widgets", Json::array())) {
      Json n = Json::object();
      for (const char* f : {"type", "name", "x", "y", "width", "height", "view_mode"}) n[f] = w.value(f, Json(""));
      n["fields"] = w.value("fields", Json::array());
      // An item by id -> by host and key, as the source names it (an unknown id stays an id).
      for (auto& f : n["fields"])
        if (text(f.value("type", Json(""))) == std::to_string(kItem))
          if (auto it = items.find(text(f.value("value", Json("")))); it != items.end()) f["value"] = it->second;
      widgets.push_back(std::move(n));
    }
    pages.push_back({{"name", p.value("name", Json(""))}, {"widgets", widgets}});
  }
  std::string name = text(d.value("name", Json("")));
  Json body = {{"urlPath", name}, {"name", name}, {"private", d.value("private", Json("1"))}, {"pages", pages}};
  if (!pages.empty() && text(pages[0]["name"]) == ownedPageName(s)) body["memo"] = std::string(engine::kOwnerMarker);
  return body;
}

bool dashboardParams(const Json& body, const ItemResolver& resolve, Json& params, std::string& err) {
  Json pages = body.value("pages", Json::array());
  for (auto& p : pages)
    for (auto& w : p["widgets"])
      for (auto& f : w["fields"])
        if (f.value("value", Json()).is_object()) {
          std::string id;
          if (!resolve(f["value"].value("host", ""), f["value"].value("key", ""), id, err))
            return (err = "widget '" + w.value("name", "") + "': " + err, false);
          f["value"] = id;
        }
  params = {{"name", body.value("name", Json(""))}, {"private", body.value("private", Json(0))}, {"pages", pages}};
  return true;
}

}  // namespace mon::zabbix
