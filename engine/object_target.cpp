#include "object_target.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "race_repair.h"

namespace mon::engine {

namespace {

// MONITORC_TIMING=1 (as for the compile's stages, compiler/driver/compile.cpp): how long each
// step of a plan took on the calling thread, for bench/ and for finding regressions.
class StageTimer {
 public:
  void lap(const char* stage) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "timing: %-12s %7.1f ms\n", stage, std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

 private:
  bool on_ = std::getenv("MONITORC_TIMING") != nullptr;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

class ObjectTarget : public Target {
 public:
  explicit ObjectTarget(ObjectTargetParts parts) : p_(std::move(parts)) {}

  bool plan(bool prune, Plan& plan, std::string& err) override {
    DiffOptions opts{prune, p_.normalize, p_.words};
    StageTimer timer;
    // The source's side first: while an early read is still on the network, it costs no wait.
    SourceSide source = sourceSide(p_.desired, opts);
    timer.lap("source side");
    if (!read(err)) return false;
    timer.lap("read (rest)");
    Plan d = diff(p_.desired, state_, opts, &source);
    timer.lap("compare");
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
    ApplyReport rep = engine::apply(plan, remote(), o);
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
    if (!remote().alerts(q.since, out.alerts, err)) return (err = "reading the alerts of " + remote().describe() + ": " + err, false);
    return true;
  }

  bool pull(bool ownedOnly, PulledSource& out, std::vector<std::string>& warnings, std::string& err) override {
    if (!read(err)) return false;
    out.objects = p_.pullSource(state_, ownedOnly, warnings);
    out.target = p_.targetSource;
    return true;
  }

 private:
  // The remote, once an early read (if any) has ended; its answer is dropped when nothing read
  // it first.
  Remote& remote() {
    if (p_.early) {
      RemoteState unused;
      bool ok;
      std::string err;
      p_.remote = p_.early->finish(unused, ok, err);
      p_.early.reset();
    }
    return *p_.remote;
  }

  bool read(std::string& err, const std::string& when = "") {
    state_ = RemoteState{};
    if (p_.early) {
      p_.remote = p_.early->finish(state_, haveState_, err);
      p_.early.reset();
    } else {
      haveState_ = p_.remote->fetch(state_, err);
    }
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
