// `monitorc build` for Mackerel: monitors.json as `mkr monitors pull` writes it (without
// ids), and one dashboard body per file, named after its url_path.
#include <algorithm>

#include "backend.h"
#include "lower/layout.h"
#include "mackerel/api_json.h"
#include "mackerel/gojson.h"
#include "mackerel/mackerel.h"

namespace mon::mackerel {

// `{"monitors": [...]}` as goIndent would print it, one monitor at a time, handed to the sink in
// pieces of about kPiece bytes: the whole list as one JSON tree was twice the memory and most of
// the backend's time on large setups, and the whole file as one string, beside the program it
// is made from, was a fifth of a 10,000-monitor build's peak memory.
void writeMonitorsFile(const std::vector<const ir::Monitor*>& monitors, const std::string& rel, FileSink& sink) {
  if (monitors.empty()) return sink.append(rel, "{\n    \"monitors\": []\n}\n");
  constexpr size_t kPiece = size_t(64) << 10;
  std::string piece = "{\n    \"monitors\": [\n";
  piece.reserve(kPiece + 4096);
  for (size_t i = 0; i < monitors.size(); ++i) {
    piece += "        ";
    appendGoIndent(piece, monitorToApi(*monitors[i]), 4, 2);
    piece += i + 1 < monitors.size() ? ",\n" : "\n";
    if (piece.size() >= kPiece) {
      sink.append(rel, piece);
      piece.clear();
    }
  }
  piece += "    ]\n}\n";
  sink.append(rel, piece);
}

std::string monitorsFile(const std::vector<const ir::Monitor*>& monitors) {
  OutputFiles files;
  FilesSink sink(files);
  writeMonitorsFile(monitors, "monitors.json", sink);
  return std::move(files["monitors.json"]);
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

OutputFiles buildInto(const ir::Module& module, DiagEngine& diags, FileSink& sink) {
  OutputFiles out;
  if (!mackerelTargeted(module)) return out;
  if (!checkDashboards(module, diags)) return out;
  std::vector<const ir::Monitor*> monitors;
  for (const auto& m : module.monitors)
    if (forMackerel(m.targets, module)) monitors.push_back(&m);
  writeMonitorsFile(monitors, "mackerel/monitors.json", sink);
  for (const auto& d : module.dashboards)
    if (forMackerel(d.targets, module))
      out["mackerel/dashboards/" + d.urlPath + ".json"] = goIndent(dashboardToApi(d)) + "\n";
  return out;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  FilesSink sink(out);
  out.merge(buildInto(module, diags, sink));
  return out;
}

}  // namespace mon::mackerel
