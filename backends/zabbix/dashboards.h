#pragma once
// Dashboards on a zabbix target: each becomes a Zabbix 6.0 global dashboard (dashboard.create)
// of one page, its widgets on Zabbix's 24-column grid. Dashboards have no tags in 6.0: the
// page's name "monitorc" marks a dashboard as monitorc's (with one page Zabbix shows no page
// names). Build writes the bodies, plan compares them, apply sends them (trigger_remote.cpp).
// The page is named after the target's template ("monitorc: monitorc web"), so that two
// zabbix targets on one server each see only their own dashboards.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "zabbix/mapping.h"

namespace mon::zabbix {

/// The name of the page that marks a dashboard as the target's.
std::string ownedPageName(const TargetSettings& s);

struct DroppedWidget {
  const ir::Widget* widget;
  std::string what;  // "markdown 'Notes'", or a field: "host_group (graph 'CPU')"
  std::string why;
  const ir::Prop* field = nullptr;  // the field left out, when the widget itself is kept
};

struct DashboardTranslation {
  Json body;  // {urlPath: NAME, name, private, pages: [{name, widgets}]}; urlPath is the plan's key
  std::vector<DroppedWidget> dropped;
};

DashboardTranslation translateDashboard(const ir::Dashboard& d, const TargetSettings& s);

/// The canonical form of a dashboard as read or as sent: values as text, Zabbix's defaults
/// filled in, widgets in grid order, fields by name.
Json normalizeDashboard(const Json& body);

/// The ids of the items a dashboard as dashboard.get answers shows (item widgets).
std::vector<std::string> itemIdsIn(const Json& d);

/// A dashboard as dashboard.get answers (selectPages extend), as a body: urlPath and name, the
/// owner marker as memo when its first page is the target's (ownedPageName); item ids found
/// in `items` (id -> {host, key}) as the body names them.
Json dashboardFromApi(const Json& d, const TargetSettings& s, const std::map<std::string, Json>& items = {});

/// The id of item `key` on host `host`; false with `err` when there is none.
using ItemResolver = std::function<bool(const std::string& host, const std::string& key, std::string& id, std::string& err)>;
/// The parameters of dashboard.create / dashboard.update (without the id) for a body, items
/// named by host and key resolved to their ids.
bool dashboardParams(const Json& body, const ItemResolver& resolve, Json& params, std::string& err);

}  // namespace mon::zabbix
