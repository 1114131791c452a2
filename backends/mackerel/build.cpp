// `monitorc build` for Mackerel: monitors.json as `mkr monitors pull` writes it (without
// ids), and one dashboard body per file, named after its url_path.
#include <algorithm>

#include "backend.h"
#include "lower/layout.h"
#include "mackerel/api_json.h"
#include "mackerel/gojson.h"
#include "mackerel/mackerel.h"

namespace mon::mackerel {

namespace {

// About how long a monitor's entry in monitors.json is, on the generous side: its fixed keys and
// indentation, and its strings with room for escapes. Reserved room that goes unwritten is
// address space, not memory.
size_t entrySizeHint(const ir::Monitor& m) {
  size_t n = 1024 + 2 * m.name.size() + 2 * m.props.stringBytes();
  for (const auto& p : m.props.list)
    if (p.value.is_array()) n += 64 * p.value.size() + 32;
  return n;
}

}  // namespace

// `{"monitors": [...]}` as goIndent would print it, one monitor at a time straight into the file
// text, which is reserved up front: the whole list as one JSON tree was twice the memory and
// most of the backend's time on large setups, and entries made in pieces and copied into the
// file (to share the work between two threads) kept both the pieces and the file in memory at
// the end: two fifths of the live heap at a 10,000-monitor build's peak.
std::string monitorsFile(const std::vector<const ir::Monitor*>& monitors) {
  if (monitors.empty()) return "{\n    \"monitors\": []\n}\n";
  size_t hint = 64;
  for (const ir::Monitor* m : monitors) hint += entrySizeHint(*m);
  std::string out;
  out.reserve(hint);
  out += "{\n    \"monitors\": [\n";
  for (size_t i = 0; i < monitors.size(); ++i) {
    out += "        ";
    appendGoIndent(out, monitorToApi(*monitors[i]), 4, 2);
    out += i + 1 < monitors.size() ? ",\n" : "\n";
  }
  out += "    ]\n}\n";
  return out;
}

namespace {

// Whether the source writes anything for Mackerel: it declares a mackerel or local target, or
// no target at all (then everything goes to Mackerel, the system a source needs no target block
// for). A source whose targets are all of other systems (a Grafana-only source) gets no
// Mackerel files and no Mackerel checks.
bool mackerelTargeted(const ir::Module& module) {
  if (module.targets.empty()) return true;
  for (const auto& t : module.targets)
    if (t.kind == "mackerel" || t.kind == "local") return true;
  return false;
}

// An object goes to Mackerel when Mackerel is targeted, unless its `targets = [...]` names only
// other kinds of target (a PromQL monitor for `prom` alone, a Grafana-only dashboard), as
// plan/apply decide per target.
bool forMackerel(const std::vector<std::string>& selected, const ir::Module& module) {
  if (selected.empty()) return mackerelTargeted(module);
  for (const auto& t : module.targets)
    if ((t.kind == "mackerel" || t.kind == "local") &&
        std::find(selected.begin(), selected.end(), t.name) != selected.end())
      return true;
  return false;
}

// The first declared mackerel or local target an object with `selected` targets goes to; null
// for a source that declares no target.
const ir::Target* firstMackerelTarget(const std::vector<std::string>& selected, const ir::Module& module) {
  for (const auto& t : module.targets)
    if ((t.kind == "mackerel" || t.kind == "local") &&
        (selected.empty() || std::find(selected.begin(), selected.end(), t.name) != selected.end()))
      return &t;
  return nullptr;
}

}  // namespace

bool checkDashboards(const ir::Module& module, DiagEngine& diags) {
  bool ok = true;
  for (const auto& d : module.dashboards) {
    if (!forMackerel(d.targets, module)) continue;
    for (const auto& w : d.widgets) {
      ok = checkWidgetSize(w, diags) && ok;
      // Mackerel's graph widgets have no unit: it comes from the metrics' graph definition.
      if (const ir::Prop* unit = w.props.find("unit"); unit && w.kind == ir::WidgetKind::Graph) {
        const ir::Target* t = firstMackerelTarget(d.targets, module);
        diags.report(unit->range, diag::warn_target_drops_field,
                     {"unit", "graph widget", w.title, t ? t->kind : "mackerel", t ? t->name : "(the default, no target declared)",
                      "Mackerel graphs take the unit of their metrics' graph definition"})
            .note(d.range, "restrict the dashboard to the targets that show units with 'targets = [...]' to silence this");
      }
      // The filters of a Zabbix query (Grafana's Zabbix data source, Zabbix graphs).
      for (const char* f : {"host_group", "host", "item_tag", "functions"})
        if (const ir::Prop* z = w.props.find(f)) {
          const ir::Target* t = firstMackerelTarget(d.targets, module);
          diags.report(z->range, diag::warn_target_drops_field,
                       {f, std::string(ir::kindName(w.kind)) + " widget", w.title, t ? t->kind : "mackerel",
                        t ? t->name : "(the default, no target declared)", "it filters a Zabbix query"})
              .note(d.range, "restrict the dashboard to Grafana (Zabbix data source) and zabbix targets with 'targets = [...]'");
        }
      const ir::Prop* lines = w.props.find("reference_lines");
      if (lines && lines->value.size() > 1) {
        diags.report(lines->range, diag::err_too_many_items, {"reference_lines", "1"})
            .note(d.range, "Mackerel shows one reference line; restrict the dashboard to other targets with 'targets = [...]'");
        ok = false;
      }
    }
  }
  return ok;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  if (!mackerelTargeted(module)) return out;
  if (!checkDashboards(module, diags)) return out;
  std::vector<const ir::Monitor*> monitors;
  for (const auto& m : module.monitors)
    if (forMackerel(m.targets, module)) monitors.push_back(&m);
  out["mackerel/monitors.json"] = monitorsFile(monitors);
  for (const auto& d : module.dashboards)
    if (forMackerel(d.targets, module))
      out["mackerel/dashboards/" + d.urlPath + ".json"] = goIndent(dashboardToApi(d)) + "\n";
  return out;
}

}  // namespace mon::mackerel
