// `target prometheus`: plan/apply/pull of the owned rule file (apply.h), one Change per rule
// (kind monitor, type "rule").
#include "prometheus/target_kind.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "prometheus/alert_history.h"
#include "prometheus/apply.h"
#include "prometheus/operator.h"
#include "prometheus/pull.h"
#include "diff.h"
#include "target_support.h"

namespace mon::prometheus {

namespace {

namespace prom = mon::prometheus;
using namespace mon::engine;
// This backend's own plan types are spelled with their namespace; these are the engine's.
using engine::Action;
using engine::ApplyOptions;
using engine::ApplyReport;
using engine::Change;
using engine::Plan;

// "'g' / 'CPU high' (critical)" -> "g / CPU high (critical)"
std::string ruleKey(const std::string& id) {
  std::string out;
  for (char c : id)
    if (c != '\'') out += c;
  return out;
}

// The rules directory as planning sees it: each file read once, so the plan and the
// fingerprints saved with it come from the same contents.
class ReadOnce : public prom::FileOps {
 public:
  explicit ReadOnce(prom::FileOps& inner) : inner_(inner) {}
  bool read(const std::string& path, std::string& text) override {
    auto it = seen_.find(path);
    if (it == seen_.end()) {
      std::string t;
      bool ok = inner_.read(path, t);
      it = seen_.emplace(path, std::make_pair(ok, t)).first;
    }
    if (it->second.first) text = it->second.second;
    return it->second.first;
  }
  std::vector<std::string> list(const std::string& dir) override { return inner_.list(dir); }
  std::string unreadable(const std::string& dir, const std::string& name) override { return inner_.unreadable(dir, name); }
  bool writeAtomic(const std::string&, const std::string&, std::string& err) override { return (err = "read-only", false); }
  bool remove(const std::string&, std::string& err) override { return (err = "read-only", false); }

 private:
  prom::FileOps& inner_;
  std::map<std::string, std::pair<bool, std::string>> seen_;
};

// "rule_file/<name>" -> fingerprint of the file's content, for each of `names` that exists.
Fingerprints ruleFiles(prom::FileOps& files, const std::string& dir, const std::set<std::string>& names) {
  Fingerprints out;
  for (const auto& name : names) {
    std::string text;
    if (files.read(dir + "/" + name, text)) out["rule_file/" + name] = {fingerprint(Json(text)), ""};
  }
  return out;
}

const char* opName(prom::FileChange::Action a) {
  return a == prom::FileChange::Create ? "create" : a == prom::FileChange::Update ? "update" : "delete";
}

class PrometheusTarget : public engine::Target {
 public:
  PrometheusTarget(std::string name, std::string url, std::string dir, const RemoteOptions& opts, const TargetContext* ctx)
      : name_(std::move(name)), url_(std::move(url)), dir_(std::move(dir)), opts_(opts),
        ctx_(ctx ? std::make_unique<TargetContext>(*ctx) : nullptr) {
    client_ = loggedClient(opts);
  }
  bool plan(bool prune, Plan& plan, std::string& err) override;
  std::string checkSaved(const Plan& saved) override;
  bool pull(bool ownedOnly, PulledSource& out, std::vector<std::string>& warnings, std::string& err) override {
    const ir::Target* t = ctx_ ? &ctx_->declared : nullptr;
    return pullRules(name_, t ? t->props.str("url") : url_, dir_, t ? t->props.str("group") : "", ownedOnly, out, warnings, err);
  }
  ApplyReport apply(const Plan& plan, const ApplyOptions&) override {
    auto t0 = std::chrono::steady_clock::now();
    prom::Plan bp{plan.targetName, dir_, {}};
    for (const auto& op : plan.operations) {
      std::string a = op.value("action", "");
      bp.changes.push_back({a == "create" ? prom::FileChange::Create : a == "update" ? prom::FileChange::Update : prom::FileChange::Delete,
                            op.value("file", ""), op.value("content", ""), {}});
    }
    auto files = prom::diskFileOps();
    // Checked again with the lock held: an apply that went first may have rewritten the files.
    prom::ApplyGuard guard;
    guard.fresh = [&]() -> std::string {
      std::vector<std::string> reasons;
      std::string err;
      if (!stale(plan, reasons, err)) return err;
      std::string why;
      for (const auto& r : reasons) why += (why.empty() ? "" : "; ") + r;
      return why.empty() ? "" : "the rule files changed since the plan was made (another apply went first?): " + why +
                                    "; nothing was written; plan again";
    };
    prom::ApplyResult res = prom::applyPlan(bp, url_, *files, *client_, prom::promtoolChecker(), guard);
    if (opts_.log)
      for (const auto& l : res.log) opts_.log(l);
    // The files are written, checked, reloaded and verified together: all or nothing.
    OpResult r;
    r.ok = res.ok;
    r.error = res.error;
    std::vector<OpResult> results(bp.changes.size(), r);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return reportOf(plan, results, secs);
  }
  bool alertHistory(const engine::AlertQuery& q, engine::AlertHistory& out, std::string& err) override;
  bool stale(const Plan& plan, std::vector<std::string>& reasons, std::string& err) override {
    std::set<std::string> names, written;
    for (const auto& [key, fp] : plan.fingerprints)
      if (key.rfind("rule_file/", 0) == 0) names.insert(key.substr(10));
    for (const auto& op : plan.operations) written.insert(op.value("file", ""));
    names.insert(written.begin(), written.end());
    auto files = prom::diskFileOps();
    for (const auto& name : names)
      if (std::string why = files->unreadable(dir_, name); !why.empty())
        return (err = "reading prometheus \"" + name_ + "\" (" + url_ + ", rules_dir " + dir_ + "): " + why, false);
    reasons = staleReasons(plan.fingerprints, ruleFiles(*files, dir_, names), [&](const std::string& key) {
      return key.rfind("rule_file/", 0) == 0 && written.count(key.substr(10));
    });
    return true;
  }

 private:
  std::string name_, url_, dir_;
  RemoteOptions opts_;
  std::unique_ptr<TargetContext> ctx_;  // null when opened without a source
  std::shared_ptr<net::Client> client_;  // logged, GETs retried (loggedClient)
};


// Where the source declares the alert called `alert` for this target: a rule of that name, or
// the monitor it is made from (a monitor's name, or its name plus " (response time)" or
// " (certificate)", docs/backends.md).
std::string alertLocation(const ir::Module& m, const SourceManager& sm, const std::string& target, const std::string& alert) {
  auto goes = [&](const std::vector<std::string>& targets) {
    return targets.empty() || std::find(targets.begin(), targets.end(), target) != targets.end();
  };
  for (const auto& r : m.rules)
    if (r.isAlert() && r.name == alert && goes(r.targets)) return locationOf(sm, {}, r.nameRange);
  for (const auto& mon : m.monitors) {
    if (!goes(mon.targets)) continue;
    for (const char* suffix : {"", " (response time)", " (certificate)"})
      if (mon.name + suffix == alert) return locationOf(sm, mon.madeBy, mon.nameRange.valid() ? mon.nameRange : mon.range);
  }
  return "";
}

bool PrometheusTarget::alertHistory(const engine::AlertQuery& q, engine::AlertHistory& out, std::string& err) {
  if (!ctx_) return (err = "no source to match the alerts with", false);
  // The alerts the source gives this target: those of the rule file plan would write.
  OutputFiles built;
  if (!ctx_->build(built)) return (err = "", false);
  std::set<std::string> ours;
  for (const auto& [name, content] : prom::desiredFiles(built, name_)) {
    std::vector<prom::RuleView> rules;
    if (prom::ruleViews(content, rules))
      for (const auto& r : rules) ours.insert(r.alert);
  }
  if (!prom::readAlertHistory(*client_, url_, q, out.alerts, err))
    return (err = "reading prometheus \"" + name_ + "\" (" + url_ + "): " + err, false);
  for (const auto& a : out.alerts) {
    if (out.managed.count(a.monitorId) || out.unmanagedNames.count(a.monitorId)) continue;
    std::string where = ours.count(a.monitorId) ? alertLocation(ctx_->module, ctx_->sources, name_, a.monitorId) : "";
    if (!where.empty()) out.managed[a.monitorId] = {a.monitorId, where};
    else out.unmanagedNames[a.monitorId] = a.monitorId;
  }
  out.resolution = prom::alertStep(q.until - q.since);
  out.method = "read from ALERTS through count_over_time over steps of " + engine::showDuration(out.resolution);
  return true;
}

bool PrometheusTarget::plan(bool prune, Plan& plan, std::string& err) {
  if (!ctx_) return (err = "prometheus target '" + name_ + "': no source to plan from", false);
  const ir::Module& m = ctx_->module;
  const SourceManager& sm = ctx_->sources;
  OutputFiles built;
  if (!ctx_->build(built)) return (err = "", false);
  const std::string at = targetWhere(m, sm, name_);
  const struct {
    std::string name, dir;
  } spec{name_, dir_};
  auto disk = prom::diskFileOps();
  if (std::string why = disk->unreadable(spec.dir, prom::ownedFileName(spec.name)); !why.empty())
    return (err = at + "prometheus target '" + spec.name + "': rules_dir: " + why, false);
  auto files = std::make_unique<ReadOnce>(*disk);
  // A file without rules (no monitor for the target) is not wanted: the owned file is then a
  // prune candidate, removed with --prune.
  auto desired = prom::desiredFiles(built, spec.name);
  for (auto it = desired.begin(); it != desired.end();) {
    std::vector<prom::RuleView> rules;
    it = prom::ruleViews(it->second, rules) && rules.empty() ? desired.erase(it) : std::next(it);
  }
  // Without --prune, owned rules gone from the source stay in the rewritten file (orphans).
  std::map<std::string, std::set<std::string>> keptIds;
  if (!prune)
    for (auto& [name, content] : desired) {
      std::string current;
      if (!files->read(spec.dir + "/" + name, current) || !prom::writtenByMonitorc(current)) continue;
      std::vector<std::string> kept;
      content = prom::keepMissingRules(content, current, kept);
      keptIds[name].insert(kept.begin(), kept.end());
    }
  // Always plan with prune so owned files gone from the source are seen; without --prune they
  // are listed as prune candidates and left alone.
  prom::Plan bp = prom::makePlan(spec.name, desired, spec.dir, true, *files);
  SourceIndex idx = sourceIndex(m, sm);
  std::vector<std::pair<Change, int>> items;
  std::vector<prom::FileChange> kept;
  auto path = [&](const std::string& name) { return spec.dir + "/" + name; };

  // Files with a change, then desired files without one (every rule unchanged).
  std::map<std::string, const prom::FileChange*> changed;
  for (const auto& fc : bp.changes) changed[fc.file] = &fc;
  std::vector<std::string> names;
  for (const auto& [name, content] : desired) names.push_back(name);
  for (const auto& fc : bp.changes)
    if (!desired.count(fc.file)) names.push_back(fc.file);
  for (const auto& name : names) {
    const prom::FileChange* fc = changed.count(name) ? changed[name] : nullptr;
    bool orphan = fc && fc->action == prom::FileChange::Delete && !prune;
    int link = -1;
    if (fc && !orphan) {
      link = int(kept.size());
      kept.push_back(*fc);
    }
    std::string current, wanted = desired.count(name) ? desired.at(name) : "";
    bool exists = files->read(path(name), current);
    bool foreign = exists && !prom::writtenByMonitorc(current);
    std::vector<prom::RuleView> before, after;
    if (exists && !prom::ruleViews(current, before)) before.clear();
    prom::ruleViews(wanted, after);
    size_t first = items.size();
    for (const auto& r : after) {
      Change c{};
      c.kind = ObjKind::Monitor;
      c.key = ruleKey(r.id);
      c.type = "rule";
      setOrigin(c, alertOrigin(idx, r.alert));
      c.body = r.body;
      c.id = path(name);
      const prom::RuleView* b = nullptr;
      for (const auto& x : before)
        if (x.id == r.id) b = &x;
      if (keptIds[name].count(r.id)) {
        c.action = Action::Orphan;
        c.body = nullptr;
        items.push_back({std::move(c), -1});
        continue;
      }
      if (!b) {
        c.action = foreign ? Action::Adopt : Action::Create;
        c.id.clear();
      } else {
        c.fields = diffFields(b->body, r.body);
        c.action = foreign ? Action::Adopt : c.fields.empty() ? Action::NoChange : Action::Update;
      }
      if (c.action == Action::NoChange) c.body = nullptr;
      items.push_back({std::move(c), link});
    }
    for (const auto& b : before) {
      bool gone = true;
      for (const auto& r : after) gone = gone && r.id != b.id;
      if (!gone) continue;
      Change c{};
      c.kind = ObjKind::Monitor;
      c.key = ruleKey(b.id);
      c.type = "rule";
      c.id = path(name);
      c.action = orphan ? Action::Orphan : Action::Delete;  // the file is rewritten (or removed) whole
      items.push_back({std::move(c), link});
    }
    // A change the rule view does not show (e.g. only the list of groups differs).
    bool shown = false;
    for (size_t i = first; i < items.size(); ++i) shown = shown || items[i].first.action != Action::NoChange;
    if (fc && !orphan && !shown) {
      Change c{};
      c.action = exists ? Action::Update : Action::Create;
      c.kind = ObjKind::Monitor;
      c.key = name;
      c.type = "rule file";
      c.id = path(name);
      for (const auto& d : fc->details) c.fields.push_back({"file", nullptr, d, false, true});
      items.push_back({std::move(c), link});
    }
  }
  plan.operations = Json::array();
  for (const auto& fc : kept) {
    Json op = {{"action", opName(fc.action)}, {"file", fc.file}};
    if (fc.action != prom::FileChange::Delete) op["content"] = fc.content;
    plan.operations.push_back(op);
  }
  setChanges(plan, std::move(items));
  // Every file this plan read or would write, as read.
  std::set<std::string> read = {prom::ownedFileName(spec.name)};
  for (const auto& [name, content] : desired) read.insert(name);
  for (const auto& [key, v] : ruleFiles(*files, spec.dir, read)) plan.fingerprints[key] = v.first;
  plan.prune = prune;
  return true;
}

std::string PrometheusTarget::checkSaved(const Plan& plan) {
  if (std::string why = checkPlanTargetName(plan); !why.empty()) return why;
  // The owned file's name is built from a file-safe form of the target name (no '/', never
  // "." or ".."); checked again here because it is joined to rules_dir.
  const std::string owned = prom::ownedFileName(plan.targetName);
  if (owned.find('/') != std::string::npos || owned.find('\0') != std::string::npos)
    return "plan file: target name " + Json(plan.targetName).dump() + " cannot name a file";
  // Staleness reads every file named in the fingerprints: only the owned one.
  for (const auto& [key, fp] : plan.fingerprints)
    if (key != "rule_file/" + owned)
      return "plan file: fingerprint '" + key + "' is not the owned file 'rule_file/" + owned + "'";
  // monitorc owns exactly one file per target; a plan file never writes another.
  for (const auto& op : plan.operations) {
    std::string a = op.value("action", "");
    if (a != "create" && a != "update" && a != "delete")
      return "plan file: unknown operation '" + a + "'";
    if (!op.contains("file") || !op["file"].is_string()) return "plan file: operation without a file name";
    // Only `plan --prune --out` writes a delete; nothing is removed without --prune.
    if (a == "delete" && !plan.prune) return "plan file: a delete in a plan made without --prune";
    if (op.value("file", "") != prom::ownedFileName(plan.targetName))
      return "plan file: operation on '" + op.value("file", "") + "', not the owned file '" +
             prom::ownedFileName(plan.targetName) + "'";
    if (a != "delete" && !(op.contains("content") && op["content"].is_string()))
      return "plan file: operation without content";
  }
  return writesByOperations(plan);
}

// Settings errors that a type check cannot see, at the declaration.
void checkSettings(const ir::Target& t, bool forPlan, DiagEngine& diags) {
  if (forPlan && operatorFormat(t)) {
    diags.report(engine::settingRange(t, "format"), diag::err_target_setting_invalid,
                 {"prometheus", t.name, "a format = \"prometheus-operator\" target is built (monitorc build) and applied by "
                                        "kubectl or a GitOps tool; plan, apply and pull read and write rule files"});
    return;
  }
  if (forPlan && t.props.str("rules_dir").empty())
    diags.report(t.range, diag::err_target_setting_missing,
                 {"prometheus", t.name, "rules_dir", "the directory Prometheus loads rule files from"});
  if (forPlan && t.props.str("url").empty())
    diags.report(t.range, diag::err_target_setting_missing, {"prometheus", t.name, "url", "Prometheus' base URL, for reloading"});
  else if (std::string why = t.props.str("url").empty() ? "" : net::checkBaseUrl(t.props.str("url")); !why.empty())
    diags.report(engine::settingRange(t, "url"), diag::err_target_setting_invalid,
                 {"prometheus", t.name, "url: " + why});
}

std::vector<TargetSetting> settingsOf(const ir::Target& t) {
  std::string url = net::withoutTrailingSlash(t.props.str("url")), dir = t.props.str("rules_dir");
  return {{"url", "url", url}, {"rules_dir", "rules_dir", dir}, {"where", "where", url + ", rules_dir " + dir}};
}

std::unique_ptr<engine::Target> open(const TargetContext& ctx, std::string& err) {
  const ir::Target& t = ctx.declared;
  std::string at = targetWhere(ctx.module, ctx.sources, t.name);
  if (t.props.str("rules_dir").empty())
    return (err = at + "prometheus target '" + t.name + "' has no rules_dir (the directory Prometheus loads rule files from)", nullptr);
  if (t.props.str("url").empty())
    return (err = at + "prometheus target '" + t.name + "' has no url (Prometheus' base URL, for reloading)", nullptr);
  if (std::string why = net::checkBaseUrl(t.props.str("url")); !why.empty())
    return (err = at + "prometheus target '" + t.name + "': url: " + why, nullptr);
  return std::make_unique<PrometheusTarget>(t.name, net::withoutTrailingSlash(t.props.str("url")), t.props.str("rules_dir"),
                                            ctx.options, &ctx);
}

}  // namespace

std::unique_ptr<engine::Target> openTarget(const std::string& name, const std::string& url, const std::string& rulesDir,
                                           const RemoteOptions& opts) {
  return std::make_unique<PrometheusTarget>(name, url, rulesDir, opts, nullptr);
}

const engine::TargetKind& target() {
  static const engine::TargetKind kind{
      "prometheus",
      {"prometheus", "prometheus target",
       {schema::str("rules_dir", "Directory of rule files Prometheus loads."), schema::str("url", "Prometheus base URL."),
        schema::str("group", "Rule group name."),
        schema::duration("interval", 1000, 1, 1e9, "How often the group is evaluated (default: Prometheus' evaluation_interval)."),
        schema::integer("limit", 0, 1e9, "Most alerts (or series of a recording rule) one rule may produce; 0: no limit.", "0"),
        schema::duration("query_offset", 1000, 0, 1e9,
                         "Evaluate the group's queries this far in the past (Prometheus 2.53 and later)."),
        schema::str("format", "\"rules\" (default): a rule file; \"prometheus-operator\": a PrometheusRule object."),
        schema::str("namespace", "prometheus-operator: the PrometheusRule's metadata.namespace."),
        schema::str("resource_name", "prometheus-operator: the PrometheusRule's metadata.name (targets sharing it share the object)."),
        schema::typed("resource_labels", schema::Type::Labels,
                      "prometheus-operator: the PrometheusRule's metadata.labels (what the operator's ruleSelector matches).")}},
      false,
      checkSettings,
      settingsOf,
      open};
  return kind;
}

}  // namespace mon::prometheus
