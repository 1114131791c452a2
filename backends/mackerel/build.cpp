// `monitorc build` for Mackerel: monitors.json as `mkr monitors pull` writes it (without
// ids), and one dashboard body per file, named after its url_path.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "backend.h"
#include "lower/layout.h"
#include "mackerel/api_json.h"
#include "mackerel/gojson.h"
#include "mackerel/mackerel.h"

namespace mon::mackerel {

namespace {

// Whether a target of this kind takes Mackerel's files.
bool mackerelKind(const std::string& kind) { return kind == "mackerel" || kind == "local"; }

// Whether the source writes anything for Mackerel: it declares a mackerel or local target, or
// no target at all (then everything goes to Mackerel, the system a source needs no target block
// for). A source whose targets are all of other systems (a Grafana-only source) gets no
// Mackerel files and no Mackerel checks.
bool mackerelTargeted(const ir::Module& module) {
  if (module.targets.empty()) return true;
  return std::any_of(module.targets.begin(), module.targets.end(), [](const ir::Target& t) { return mackerelKind(t.kind); });
}

// Whether the target called `name` takes Mackerel's files (false when none is declared).
bool mackerelTarget(const std::string& name, const ir::Module& module) {
  for (const auto& t : module.targets)
    if (t.name == name) return mackerelKind(t.kind);
  return false;
}

// An object goes to Mackerel when Mackerel is targeted, unless its `targets = [...]` names only
// other kinds of target (a PromQL monitor for `prom` alone, a Grafana-only dashboard), as
// plan/apply decide per target.
bool forMackerel(const std::vector<std::string>& selected, const ir::Module& module) {
  if (selected.empty()) return mackerelTargeted(module);
  return std::any_of(selected.begin(), selected.end(), [&](const std::string& n) { return mackerelTarget(n, module); });
}

// The first declared mackerel or local target an object with `selected` targets goes to; null
// for a source that declares no target.
const ir::Target* firstMackerelTarget(const std::vector<std::string>& selected, const ir::Module& module) {
  for (const auto& t : module.targets)
    if (mackerelKind(t.kind) && (selected.empty() || std::find(selected.begin(), selected.end(), t.name) != selected.end()))
      return &t;
  return nullptr;
}

// `{"monitors": [...]}` as goIndent would print it, one monitor at a time, handed to the sink in
// pieces of about kPiece bytes: the whole list as one JSON tree was twice the memory and most of
// the backend's time on large setups, and the whole file as one string, beside the program it
// is made from, was a fifth of a 10,000-monitor build's peak memory. As a MonitorStream it
// takes the monitors while the front end lowers them (then they are never all in memory), and
// notes each answer about the targets its choices rest on, for holds().
class MonitorsFile : public MonitorStream {
 public:
  MonitorsFile(FileSink& sink, std::string rel) : sink_(sink), rel_(std::move(rel)) { piece_.reserve(kPiece + 4096); }

  void add(const ir::Monitor& m, const ir::Module& sofar) override {
    if (goesToMackerel(m.targets, sofar)) write(m);
  }

  bool holds(const ir::Module& whole) const override {
    if (assumedTargeted_ && *assumedTargeted_ != mackerelTargeted(whole)) return false;
    return std::all_of(assumedTargets_.begin(), assumedTargets_.end(),
                       [&](const auto& assumed) { return mackerelTarget(assumed.first, whole) == assumed.second; });
  }

  void write(const ir::Monitor& m) {
    piece_ += any_ ? ",\n        " : "{\n    \"monitors\": [\n        ";
    any_ = true;
    appendGoIndent(piece_, monitorToApi(m), 4, 2);
    if (piece_.size() >= kPiece) {
      sink_.append(rel_, piece_);
      piece_.clear();
    }
  }

  void finish() {
    piece_ += any_ ? "\n    ]\n}\n" : "{\n    \"monitors\": []\n}\n";
    sink_.append(rel_, piece_);
    piece_.clear();
  }

 private:
  static constexpr size_t kPiece = size_t(64) << 10;

  // forMackerel() with the targets so far, keeping the first answer to each question asked:
  // a target declared since does not change what is written already, and holds() compares
  // those answers with the whole module's.
  bool goesToMackerel(const std::vector<std::string>& selected, const ir::Module& sofar) {
    if (selected.empty()) {
      if (!assumedTargeted_) assumedTargeted_ = mackerelTargeted(sofar);
      return *assumedTargeted_;
    }
    bool any = false;
    for (const auto& name : selected) {
      auto it = assumedTargets_.find(name);
      if (it == assumedTargets_.end()) it = assumedTargets_.emplace(name, mackerelTarget(name, sofar)).first;
      any = any || it->second;
    }
    return any;
  }

  FileSink& sink_;
  std::string rel_;
  std::string piece_;
  bool any_ = false;
  std::optional<bool> assumedTargeted_;        // mackerelTargeted(), as first asked
  std::map<std::string, bool> assumedTargets_;  // mackerelTarget() of each name, as first asked
};

}  // namespace

void writeMonitorsFile(const std::vector<const ir::Monitor*>& monitors, const std::string& rel, FileSink& sink) {
  MonitorsFile file(sink, rel);
  for (const ir::Monitor* m : monitors) file.write(*m);
  file.finish();
}

std::string monitorsFile(const std::vector<const ir::Monitor*>& monitors) {
  OutputFiles files;
  FilesSink sink(files);
  writeMonitorsFile(monitors, "monitors.json", sink);
  return std::move(files["monitors.json"]);
}

std::unique_ptr<MonitorStream> streamMonitors(FileSink& sink) {
  return std::make_unique<MonitorsFile>(sink, "mackerel/monitors.json");
}

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

OutputFiles buildInto(const ir::Module& module, DiagEngine& diags, FileSink& sink, MonitorStream* streamed) {
  OutputFiles out;
  if (!mackerelTargeted(module)) return out;
  if (!checkDashboards(module, diags)) return out;
  // What the front end kept follows what it streamed (it keeps all or none), in source order.
  MonitorsFile own(sink, "mackerel/monitors.json");
  MonitorsFile& file = streamed ? static_cast<MonitorsFile&>(*streamed) : own;
  for (const auto& m : module.monitors) file.add(m, module);
  file.finish();
  for (const auto& d : module.dashboards)
    if (forMackerel(d.targets, module))
      out["mackerel/dashboards/" + d.urlPath + ".json"] = goIndent(dashboardToApi(d)) + "\n";
  return out;
}

OutputFiles build(const ir::Module& module, DiagEngine& diags) {
  OutputFiles out;
  FilesSink sink(out);
  out.merge(buildInto(module, diags, sink, nullptr));
  return out;
}

}  // namespace mon::mackerel
