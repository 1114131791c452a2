#include "prometheus/targets.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "support/hash.h"
#include "support/prometheus_names.h"

namespace mon::targets {

std::vector<const ir::Target*> ofKind(const ir::Module& m, const std::string& kind) {
  std::vector<const ir::Target*> out;
  for (const auto& t : m.targets)
    if (t.kind == kind) out.push_back(&t);
  return out;
}

bool selects(const std::vector<std::string>& selected, const ir::Target& t) {
  return selected.empty() || std::find(selected.begin(), selected.end(), t.name) != selected.end();
}

namespace {

const ir::Target* findTarget(const ir::Module& m, const std::string& name) {
  for (const auto& t : m.targets)
    if (t.name == name) return &t;
  return nullptr;
}

Range fieldRange(const ir::Monitor& m, const std::string& field) {
  return m.props.rangeOf(field, m.nameRange);
}

}  // namespace

void reportCannotExpress(const ir::Monitor& m, const ir::Target& t, const std::string& why, DiagEngine& diags) {
  diags.report(m.nameRange, diag::err_target_cannot_express, {"monitor", m.name, t.kind, t.name, why})
      .note(Range{}, "restrict the monitor to the targets that can express it with 'targets = [...]'");
}

void reportDroppedField(const ir::Monitor& m, const ir::Target& t, const std::string& field, const std::string& why,
                        DiagEngine& diags) {
  diags.report(fieldRange(m, field.substr(0, field.find('.'))), diag::warn_target_drops_field,
               {field, "monitor", m.name, t.kind, t.name, why});
}

void forEachExpressible(const ir::Module& m, const ir::Target& t, bool canPause, DiagEngine& diags,
                        const std::function<void(const ir::Monitor&, promql::Translation&)>& take) {
  forEachExpressible(m, 0, m.monitors.size(), t, canPause, diags, take);
}

bool translateFor(const ir::Monitor& mon, const ir::Target& t, bool canPause, DiagEngine& diags,
                  promql::Translation& tr) {
  tr = promql::translate(mon);
  for (const auto& [k, v] : mon.labels)
    if (!isLabelName(k) && tr.whyNot.empty())
      tr.whyNot = "label name '" + k + "' is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)";
  if (!tr.whyNot.empty()) {
    reportCannotExpress(mon, t, tr.whyNot, diags);
    return false;
  }
  if (mon.labels.count("severity"))
    tr.dropped.push_back({"labels.severity", "the severity label comes from 'warning' and 'critical'"});
  if (!canPause && mon.props.has("is_mute")) tr.dropped.push_back({"is_mute", "silence it in Alertmanager"});
  for (const auto& d : tr.dropped) reportDroppedField(mon, t, d.field, d.why, diags);
  return true;
}

void forEachExpressible(const ir::Module& m, size_t begin, size_t end, const ir::Target& t, bool canPause,
                        DiagEngine& diags, const std::function<void(const ir::Monitor&, promql::Translation&)>& take) {
  for (size_t i = begin; i < end && i < m.monitors.size(); ++i) {
    const ir::Monitor& mon = m.monitors[i];
    if (!selects(mon.targets, t)) continue;
    promql::Translation tr;
    if (translateFor(mon, t, canPause, diags, tr)) take(mon, tr);
  }
}

std::vector<Selected> expressibleMonitors(const ir::Module& m, const ir::Target& t, bool canPause, DiagEngine& diags) {
  std::vector<Selected> out;
  forEachExpressible(m, t, canPause, diags,
                     [&](const ir::Monitor& mon, promql::Translation& tr) { out.push_back({&mon, std::move(tr)}); });
  return out;
}

void reportUnknownTargetNames(const ir::Module& m, DiagEngine& diags) {
  // Once per place: a file's `defaults { targets = [...] }` gives every object of the file the
  // same list (and the same ranges), and one unknown name there is one mistake.
  std::set<std::tuple<FileId, uint32_t, uint32_t, std::string>> reported;
  auto check = [&](const std::vector<std::string>& names, const std::vector<Range>& ranges, Range fallback) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (findTarget(m, names[i])) continue;
      Range at = i < ranges.size() ? ranges[i] : fallback;
      if (reported.emplace(at.file, at.begin, at.end, names[i]).second)
        diags.report(at, diag::err_unknown_target_name, {names[i]});
    }
  };
  for (const auto& mon : m.monitors) check(mon.targets, mon.targetRanges, mon.nameRange);
  for (const auto& d : m.dashboards) check(d.targets, d.targetRanges, d.range);
  for (const auto& r : m.rules) check(r.targets, r.targetRanges, r.nameRange);
}

std::vector<const ir::Rule*> nativeRulesFor(const ir::Module& m, const ir::Target& t) {
  std::vector<const ir::Rule*> out;
  for (const auto& r : m.rules)
    if (selects(r.targets, t)) out.push_back(&r);
  return out;
}

void reportRuleTargets(const ir::Module& m, DiagEngine& diags) {
  bool anyPrometheus = !ofKind(m, "prometheus").empty();
  for (const auto& r : m.rules) {
    bool reported = false, written = false;
    for (size_t i = 0; i < r.targets.size(); ++i) {
      const ir::Target* t = findTarget(m, r.targets[i]);
      if (!t) {
        reported = true;  // an unknown name (reportUnknownTargetNames)
        continue;
      }
      if (t->kind == "prometheus") {
        written = true;
        continue;
      }
      std::string why = r.isAlert() ? "an alert block is a Prometheus alerting rule; write a monitor for every system"
                        : t->kind == "grafana"
                            ? "recording rules are evaluated by Prometheus; Grafana reads the recorded series through its "
                              "Prometheus data source"
                            : "recording rules exist only in Prometheus";
      diags.report(i < r.targetRanges.size() ? r.targetRanges[i] : r.nameRange, diag::err_target_cannot_express,
                   {r.what(), r.name, t->kind, t->name, why})
          .note(Range{}, std::string("name only prometheus targets in 'targets = [...]' (without it, ") +
                             (r.isAlert() ? "an alert" : "a record") + " goes to every prometheus target)");
      reported = true;
    }
    // Named targets that are not prometheus ones were reported above; what is left is a record
    // without `targets` in a source that declares no prometheus target.
    if (r.targets.empty()) written = anyPrometheus;
    if (written || reported) continue;
    diags.report(r.nameRange, diag::warn_record_no_target, {r.what(), r.name})
        .note(Range{}, "declare one, e.g. target prometheus \"prom\" {}");
  }
}

void reportFileNameClashes(const ir::Module& m, const std::string& kind, DiagEngine& diags) {
  std::map<std::string, const ir::Target*> seen;
  for (const ir::Target* t : ofKind(m, kind)) {
    auto [it, fresh] = seen.emplace(fileSafe(t->name), t);
    if (fresh) continue;
    diags.report(t->range, diag::err_target_file_name_clash, {kind, it->second->name, t->name, it->first})
        .note(it->second->range, "the other target is declared here");
  }
}

std::string fileSafe(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += (std::isalnum(c) || c == '-' || c == '_' || c == '.') ? char(c) : '_';
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

std::string hashHex(const std::string& s) { return hex16(fnv1a(s)); }

}  // namespace mon::targets
