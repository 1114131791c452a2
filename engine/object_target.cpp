#include "object_target.h"

#include <map>

#include "race_repair.h"

namespace mon::engine {

namespace {

class ObjectTarget : public Target {
 public:
  explicit ObjectTarget(ObjectTargetParts parts) : p_(std::move(parts)) {}

  bool plan(bool prune, Plan& plan, std::string& err) override {
    if (!read(err)) return false;
    Plan d = diff(p_.desired, state_, DiffOptions{prune, p_.normalize, p_.words});
    plan.prune = prune;
    plan.changes = std::move(d.changes);
    plan.fingerprints = std::move(d.fingerprints);
    return true;
  }

  std::string checkSaved(const Plan& saved) override {
    if (!saved.operations.empty()) return "plan file: a " + saved.targetKind + " plan has no operations";
    for (const auto& [key, fp] : saved.fingerprints) {
      ObjKind k;
      if (key.find('/') == std::string::npos || !kindFromName(key.substr(0, key.find('/')), k))
        return "plan file: fingerprint '" + key + "' is not one this target's plan makes";
    }
    return "";
  }

  bool stale(const Plan& saved, std::vector<std::string>& reasons, std::string& err) override {
    if (!read(err)) return false;
    reasons = stalePlanReasons(saved, state_);
    return true;
  }

  ApplyReport apply(const Plan& plan, const ApplyOptions& opts) override {
    // Every update, adoption and delete is checked against the target as last read.
    ApplyOptions o = opts;
    if (!o.current && haveState_) o.current = &state_;
    ApplyReport rep = engine::apply(plan, *p_.remote, o);
    lastApplied_ = &plan;
    return rep;
  }

  bool repairs(Plan& out, std::string& err) override {
    out = Plan{};
    if (!lastApplied_ || lastApplied_->count(Action::Create) == 0) return true;
    if (!read(err, " after apply")) return false;
    out = raceRepairs(*lastApplied_, state_);
    return true;
  }

  bool alertHistory(const AlertQuery& q, AlertHistory& out, std::string& err) override {
    if (!read(err)) return false;
    // Monitors are matched to the source as plan matches them (key, type, earlier names).
    Plan d = diff(p_.desired, state_, DiffOptions{false, p_.normalize, p_.words});
    std::map<std::string, const Desired*> byKey;
    for (const auto& want : p_.desired)
      if (want.kind == ObjKind::Monitor) byKey[want.key] = &want;
    for (const auto& c : d.changes) {
      if (c.kind != ObjKind::Monitor || c.id.empty()) continue;
      bool inSource = c.action == Action::NoChange || c.action == Action::Update || c.action == Action::Adopt;
      auto it = byKey.find(c.key);
      if (inSource && it != byKey.end()) out.managed[c.id] = {c.key, it->second->where};
    }
    for (const auto& r : state_.monitors)
      if (!out.managed.count(r.id)) out.unmanagedNames[r.id] = objectKey(ObjKind::Monitor, r.body);
    if (!p_.remote->alerts(q.since, out.alerts, err)) return (err = "reading the alerts of " + p_.remote->describe() + ": " + err, false);
    return true;
  }

  bool pull(bool ownedOnly, PulledSource& out, std::vector<std::string>& warnings, std::string& err) override {
    if (!read(err)) return false;
    out.objects = p_.pullSource(state_, ownedOnly, warnings);
    out.target = p_.targetSource;
    return true;
  }

 private:
  bool read(std::string& err, const std::string& when = "") {
    state_ = RemoteState{};
    haveState_ = p_.remote->fetch(state_, err);
    if (!haveState_) err = "reading " + p_.remote->describe() + when + ": " + err;
    return haveState_;
  }

  ObjectTargetParts p_;
  RemoteState state_;
  bool haveState_ = false;
  const Plan* lastApplied_ = nullptr;  // the caller's plan, which outlives the repairs() after it
};

}  // namespace

std::unique_ptr<Target> makeObjectTarget(ObjectTargetParts parts) { return std::make_unique<ObjectTarget>(std::move(parts)); }

}  // namespace mon::engine
