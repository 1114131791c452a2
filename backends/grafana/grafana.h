#pragma once
// The Grafana backend: classic dashboard JSON and Grafana-managed alert rules (provisioning
// API model) per `target grafana`, and import of dashboard JSON.
#include <string>
#include <vector>

#include "backend.h"
#include "preview/board.h"

namespace mon::grafana {

/// Plugin ids of the data sources a target's panels query (`datasource_type`).
inline constexpr const char* kPrometheusPlugin = "prometheus";
inline constexpr const char* kZabbixPlugin = "alexanderzobnin-zabbix-datasource";

/// Settings of one `target grafana`, defaults applied.
struct TargetSettings {
  std::string name;
  std::string folder = "monitorc";          // folder uid
  std::string datasource = "prometheus";    // data source uid
  std::string datasourceType = kPrometheusPlugin;  // its plugin id
  int schemaVersion = 41;
  bool zabbix() const { return datasourceType == kZabbixPlugin; }
  bool takeOver = false;  // replace a notification policy tree monitorc did not write
};
TargetSettings settingsOf(const ir::Target& t);

/// `grafana/<target>/dashboards/<uid>.json` and `grafana/<target>/alert-rules/<group>.json`.
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// What build() reports, without keeping the output (`monitorc check`; check.cpp).
void check(const ir::Module& module, DiagEngine& diags);

/// Grafana's rule for uids (dashboards, folders, alert rules): 1 to 40 letters, digits, '-'
/// or '_'. Anything from a plan file or the source that goes into a request path is checked.
bool validUid(const std::string& s);
/// `s` percent-encoded as one URL path segment (only letters, digits, '-' and '_' kept), for
/// names that Grafana allows to be free text (rule group titles).
std::string pathSegment(const std::string& s);

/// Dashboard uid from url_path: the path itself when it is a valid uid of at most 40
/// characters, else a readable prefix and a hash (stable, at most 40).
std::string dashboardUid(const std::string& urlPath);

/// The classic dashboard object; reports widgets the target cannot show. Returns null JSON
/// when the dashboard cannot be expressed.
ir::Json dashboardJson(const ir::Dashboard& d, const TargetSettings& t, const ir::Target& target, DiagEngine& diags);

/// Grafana alert rules query a Prometheus data source: on a target whose data source is Zabbix
/// each monitor that selects it is an error (`targets = [...]` is the way out). True when the
/// target is such a target, whose rule group is then empty.
bool reportMonitorsOnZabbix(const ir::Module& module, const TargetSettings& t, const ir::Target& target, DiagEngine& diags);

/// The rule group body for PUT /api/v1/provisioning/folder/{folder}/rule-groups/{group}.
ir::Json ruleGroupJson(const ir::Module& module, const TargetSettings& t, const ir::Target& target, DiagEngine& diags);

/// How an imported dashboard is written: the Grafana target it goes to (`targets = [...]`; no
/// Mackerel limits apply to it), and whether the source declares that target.
struct ImportOptions {
  std::string target = "grafana";
  bool declareTarget = true;
};
/// `.mon` source for a classic dashboard (or a {dashboard: ...} body) that builds back to the
/// same dashboard: modeled fields, the rest kept in `raw.grafana_dashboard` and per widget
/// `raw.grafana_panel`; what is not kept is a warning. False with `error` when it is not a
/// dashboard. The first form (`monitorc import grafana`) declares a target named "grafana".
bool importDashboard(const std::string& jsonText, std::string& source, std::vector<std::string>& warnings,
                     std::string& error);
bool importDashboard(const std::string& jsonText, const ImportOptions& opts, std::string& source,
                     std::vector<std::string>& warnings, std::string& error);

/// A dashboard (or a {dashboard: ...} body) as a picture (Backend::dashboardPicture).
bool dashboardPicture(const ir::Json& body, preview::Board& out);

}  // namespace mon::grafana
