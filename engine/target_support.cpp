#include "target_support.h"

#include <algorithm>

#include "net/decorators.h"

namespace mon::engine {

std::string checkPlanTargetName(const Plan& plan) {
  if (plan.targetName.empty()) return "plan file: the target has no name";
  for (unsigned char c : plan.targetName)
    if (c < 0x20 || c == 0x7f) return "plan file: the target name " + Json(plan.targetName).dump() + " contains a control character";
  return "";
}

std::string writesByOperations(const Plan& plan) {
  for (const auto& c : plan.changes) {
    bool writes = c.action == Action::Create || c.action == Action::Update || c.action == Action::Adopt ||
                  c.action == Action::Delete;
    if (writes && (c.op < 0 || c.op >= int(plan.operations.size())))
      return "plan file: change for '" + c.key + "' has no valid operation";
  }
  return "";
}

std::vector<std::string> staleReasons(const std::map<std::string, std::string>& saved, const Fingerprints& now,
                                      const std::function<bool(const std::string&)>& planned) {
  std::vector<std::string> out;
  auto label = [](const std::string& key, const std::string& l) { return l.empty() ? key : key + " (" + l + ")"; };
  for (const auto& [key, fp] : saved) {
    auto it = now.find(key);
    if (it == now.end()) out.push_back(key + " was deleted");
    else if (it->second.first != fp) out.push_back(label(key, it->second.second) + " was changed");
  }
  for (const auto& [key, v] : now)
    if (!saved.count(key) && planned(key)) out.push_back(label(key, v.second) + " was created");
  return out;
}

Origin originOf(const SourceManager& sm, const ir::MadeBy& by, const Range& own) {
  auto where = [&](const Range& r) {
    return r.valid() ? sm.path(r.file) + ":" + std::to_string(sm.lineCol(r.file, r.begin).line) : std::string();
  };
  if (by.useSites.empty()) return {where(own), "", ""};
  return {where(by.useSites.back()), where(own), by.templates.empty() ? "" : by.templates.front()};
}

std::string locationOf(const SourceManager& sm, const ir::MadeBy& by, const Range& own) {
  const Range& r = by.useSites.empty() ? own : by.useSites.back();
  if (!r.valid()) return "";
  LineCol lc = sm.lineCol(r.file, r.begin);
  return sm.path(r.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

void setOrigin(Change& c, const Origin& o) {
  c.source = o.source;
  c.templateSource = o.templateSource;
  c.templateName = o.templateName;
}

SourceIndex sourceIndex(const ir::Module& m, const SourceManager& sm) {
  SourceIndex idx;
  for (const auto& mon : m.monitors)
    idx.monitors.emplace(mon.name, originOf(sm, mon.madeBy, mon.nameRange.valid() ? mon.nameRange : mon.range));
  for (const auto& r : m.rules)  // as RuleView::alert names them
    idx.monitors.emplace(r.isAlert() ? r.name : "record " + r.name, originOf(sm, {}, r.nameRange));
  for (const auto& d : m.dashboards) idx.dashboards.emplace(d.urlPath, originOf(sm, d.madeBy, d.range));
  return idx;
}

Origin alertOrigin(const SourceIndex& idx, const std::string& alert) {
  auto it = idx.monitors.find(alert);
  if (it != idx.monitors.end()) return it->second;
  for (std::string s : {" (response time)", " (certificate)"})
    if (alert.size() > s.size() && alert.compare(alert.size() - s.size(), s.size(), s) == 0)
      if (auto m = idx.monitors.find(alert.substr(0, alert.size() - s.size())); m != idx.monitors.end()) return m->second;
  return {};
}

std::string targetWhere(const ir::Module& m, const SourceManager& sm, const std::string& name) {
  for (const auto& t : m.targets)
    if (t.name == name && t.range.valid()) {
      LineCol lc = sm.lineCol(t.range.file, t.range.begin);
      return sm.path(t.range.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": ";
    }
  return "";
}

std::shared_ptr<net::Client> loggedClient(const RemoteOptions& opts, std::vector<std::string> secrets) {
  net::LoggingOptions lo;
  lo.log = opts.log;
  lo.secrets = std::move(secrets);
  lo.retry = opts.retry;
  return std::make_shared<net::LoggingClient>(opts.clientOrDefault(), std::move(lo));
}

void setChanges(Plan& plan, std::vector<std::pair<Change, int>> items) {
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    if (a.first.kind != b.first.kind) return a.first.kind < b.first.kind;
    return a.first.key < b.first.key;
  });
  plan.changes.clear();
  for (auto& [c, i] : items) {
    c.op = i;
    plan.changes.push_back(std::move(c));
  }
}

ApplyReport reportOf(const Plan& plan, const std::vector<OpResult>& results, double seconds) {
  ApplyReport rep;
  rep.seconds = seconds;
  for (size_t i = 0; i < plan.changes.size(); ++i) {
    const Change& c = plan.changes[i];
    if (c.action != Action::Create && c.action != Action::Update && c.action != Action::Adopt && c.action != Action::Delete)
      continue;
    OpResult r;
    if (c.op >= 0 && size_t(c.op) < results.size()) r = results[c.op];
    else r.error = "not applied";
    rep.failed += !r.ok;
    rep.outcomes.push_back({&c, r});
  }
  return rep;
}

}  // namespace mon::engine
