#pragma once
// What plan, apply and pull need from a monitoring system, and what the engine gives it. Each
// backend (backends/<system>/) declares its target kinds as TargetKind values and the registry
// (backends/registry.cpp) lists them; nothing here knows a kind by name. docs/backends.md,
// "Adding a backend", walks through it.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alerts.h"
#include "apply.h"
#include "check/schema.h"
#include "diag/diag_engine.h"
#include "early_read.h"
#include "net/http.h"
#include "net/retry.h"
#include "source/source_manager.h"

namespace mon::engine {

struct RemoteOptions {
  std::function<void(const std::string&)> log;  // HTTP log lines (no headers, no key)
  net::RetryPolicy retry;
  net::ClientOptions http;              // timeouts of the default client
  std::shared_ptr<net::Client> client;  // default: libcurl with `http`
  std::function<const char*(const char*)> getenv;  // default: ::getenv
  /// Requests a backend may have in flight at once while reading the remote (`--parallel`;
  /// reads are idempotent GETs, so more than the writes' default).
  int readParallel = 16;

  /// opts.client, or a libcurl client with `http`'s timeouts.
  std::shared_ptr<net::Client> clientOrDefault() const;
};

/// The secret (API key, token) in environment variable `name`, for target `what`: one trailing
/// line break and surrounding blanks removed (as `$(cat keyfile)` or a file read leaves them).
/// False with `err` naming the variable, never its value, when it is unset, empty, or still
/// holds a control character (a CR/LF would end or add HTTP headers).
bool secretFromEnv(const RemoteOptions& opts, const std::string& name, const std::string& what, std::string& value,
                   std::string& err);

/// What `monitorc pull` writes for a target: two sources.
struct PulledSource {
  std::string objects;  // monitors and dashboards, each for this target
  std::string target;   // the target block (settings, never a key)
  /// The order of `objects` is part of what they mean (rules of a group are evaluated in
  /// order): files made from them must keep it.
  bool ordered = false;
};

/// One declared target, opened for plan, apply or pull. Opening reads no remote state; each
/// method reads what it needs.
class Target {
 public:
  virtual ~Target() = default;
  /// Reads the target and compares it with the source: fills plan.changes (sorted by kind,
  /// then key), plan.operations when the backend writes by operations, plan.fingerprints of
  /// everything read, and plan.where. False with `err` when the target cannot be read.
  virtual bool plan(bool prune, Plan& plan, std::string& err) = 0;
  /// A saved plan is untrusted input: "" when every operation, id and fingerprint key in it is
  /// one this target's plans make, else why not. Runs before anything is read or sent.
  virtual std::string checkSaved(const Plan& saved) = 0;
  /// Reads the target again and lists why `saved` no longer fits it (docs/plan-json.md,
  /// "Staleness"). Empty: fresh. False with `err` when the target cannot be read.
  virtual bool stale(const Plan& saved, std::vector<std::string>& reasons, std::string& err) = 0;
  /// Carries out the plan's writes; one outcome per writing change, in plan order.
  virtual ApplyReport apply(const Plan& plan, const ApplyOptions& opts) = 0;
  /// After apply: where the system offers no lock, what a run racing this one created twice,
  /// as a plan of deletes to apply next (empty when nothing was). False with `err` when the
  /// target cannot be read.
  virtual bool repairs(Plan& out, std::string& /*err*/) {
    out = Plan{};
    return true;
  }
  /// The target's objects as source (only owned ones when `ownedOnly`).
  virtual bool pull(bool ownedOnly, PulledSource& out, std::vector<std::string>& warnings, std::string& err) = 0;
  /// `monitorc alerts`: the alerts opened in `q`'s window, each monitor they name matched to the
  /// source's as plan matches them. False with `err` when it cannot be read or the system keeps
  /// no history monitorc can read.
  virtual bool alertHistory(const AlertQuery& /*q*/, AlertHistory& /*out*/, std::string& err) {
    err = "this kind of target keeps no alert history monitorc can read";
    return false;
  }
};

/// Everything a backend gets to open one declared target.
struct TargetContext {
  const ir::Module& module;
  const SourceManager& sources;
  const ir::Target& declared;
  RemoteOptions options;
  /// The files the backend's build() writes for this module, with its diagnostics printed;
  /// false when it reported an error. Only backends that plan from built files call it.
  std::function<bool(std::map<std::string, std::string>&)> build;  // backend.h's OutputFiles
  /// A read of this declaration that TargetKind::readEarly began while the source was being
  /// compiled, or null. A backend that has one reads through it instead of sending the same
  /// requests again.
  std::shared_ptr<EarlyRead> early;
};

/// One setting of a declared target that a saved plan records and `apply FILE` confirms: the
/// plan says `value` under `key` in its "target" object; `label` names it in messages.
struct TargetSetting {
  std::string label;
  std::string key;
  std::string value;
};

/// A kind of target, declared by its backend.
struct TargetKind {
  const char* name;  // as written: target NAME "..." { }
  /// The settings block's fields (the checker's schema table): types, docs, required ones.
  schema::Kind schema;
  /// Chosen without --target when it is the only target of a primary kind (systems that hold
  /// monitors); a non-primary target is chosen alone only when there is no primary one.
  bool primary = false;
  /// Settings errors a type check cannot see, at the declaration: invalid values (a URL that
  /// is not https, an invalid folder uid) for `check` and the language server; with `forPlan`
  /// also settings that only plan, apply and pull need (a URL, a rules directory), which a
  /// target used only with `build` may leave out.
  void (*checkSettings)(const ir::Target& declared, bool forPlan, DiagEngine& diags) = nullptr;
  /// What a plan records about the declaration (URL, directory, key variable), in the order
  /// mismatches are reported; also the plan's `where` under the key "where".
  std::vector<TargetSetting> (*settings)(const ir::Target& declared) = nullptr;
  /// Opens the target (reads its key from the environment); null with `err`.
  std::unique_ptr<Target> (*open)(const TargetContext& ctx, std::string& err) = nullptr;
  /// Optional: starts reading the target from its declaration alone, before the rest of the
  /// source is compiled (early_read.h), for open() to find in TargetContext::early. Null when
  /// it cannot start (no key, a setting open() would refuse): open() then says why. Called only
  /// for a declaration whose checkSettings(forPlan) reported nothing.
  std::shared_ptr<EarlyRead> (*readEarly)(const ir::Target& declared, const RemoteOptions& options) = nullptr;
};

/// The target called `name` among `declared`, or when `name` is empty the only target of a
/// primary kind (or, when there is none, the only target). Null with `err`.
const ir::Target* chooseTarget(const ir::Module& m, const std::vector<TargetKind>& kinds, const std::string& name,
                               std::string& err);

/// The kind called `name`, or null.
const TargetKind* findTargetKind(const std::vector<TargetKind>& kinds, const std::string& name);

/// Where a settings diagnostic points: the setting's value, else the whole declaration.
Range settingRange(const ir::Target& declared, const char* name);

/// Records the declaration's settings in `plan` (settings object and where).
void recordSettings(const TargetKind& kind, const ir::Target& declared, Plan& plan);

/// Why the saved `plan` is not one for `declared` (of kind `kind`): each recorded setting that
/// differs from the declaration. Empty: it is.
std::vector<std::string> settingMismatches(const Plan& plan, const TargetKind& kind, const ir::Target& declared);

}  // namespace mon::engine
