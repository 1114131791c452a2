#pragma once
// Metrics queries of Grafana's Zabbix data source (the grafana-zabbix plugin,
// `alexanderzobnin-zabbix-datasource`): a widget's `query` (the item), `host_group`, `host`,
// `item_tag`, `functions` and `legend` as the plugin's query model stores them, and back.
// Filters are names or `/regex/`; functions are stored as {def, params, text} objects, which
// the language writes in the plugin's own text form ("groupBy(1m, avg)").
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::grafana::zabbix_query {

using Json = ir::Json;

/// The stored function object for its text form `name(p1, p2)`; nullopt with `why` when the
/// function is unknown or a parameter does not fit (a number where the plugin takes one).
std::optional<Json> functionFromText(const std::string& text, std::string& why);

/// The text form of a stored function object when functionFromText gives back its def, params
/// and text; nullopt when it cannot (an unknown function, string digits for a number ...).
std::optional<std::string> functionText(const Json& f);

/// A filter of the query (item, host, host group) for a field: names and `/regex/` as written;
/// a name with Zabbix's `*` wildcard (what Zabbix graphs take) as the regex matching the same
/// names ("mysql.*" -> "/^mysql\..*$/").
std::string filterOf(const std::string& field);

/// The function objects a widget's `functions` and `legend` (a last setAlias) stand for, in
/// order; nullopt with `why` for a function functionFromText refuses.
std::optional<Json> functions(const ir::Widget& w, std::string& why);

/// The metrics query (queryType "0") of a graph or value widget on data source `datasource`.
std::optional<Json> metricsTarget(const ir::Widget& w, const Json& datasource, std::string& why);

/// A query as an imported panel keeps it (`raw.grafana_panel`) is a Zabbix metrics query.
bool isMetricsQuery(const Json& target);

/// Writes the widget's Zabbix fields into `target` (a query an imported panel kept): filters
/// into their objects, functions over the kept function objects (extra keys stay).
bool writeInto(Json& target, const ir::Widget& w, std::string& why);

/// The fields an imported Zabbix metrics query gives its widget, taken out of `target`, which
/// keeps everything else (unmodeled keys, function objects' extra keys).
struct Fields {
  std::string item, hostGroup, host, itemTag, legend;
  std::vector<std::string> functions;
};
/// nullopt (and `target` untouched) when `target` is not a metrics query with an item filter.
std::optional<Fields> extract(Json& target);

}  // namespace mon::grafana::zabbix_query
