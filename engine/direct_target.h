#pragma once
// plan/apply for targets whose backend library diffs and applies by itself: Prometheus rule
// files (backends/prometheus/apply.h) and the Grafana API (backends/grafana/apply.h). The
// backend's own plan is converted into a Plan (one Change per rule, dashboard or folder, with
// source lines and changed fields) for the renderers and exit codes; apply carries out the
// backend's plan and reports per Change. Such plans cannot be saved (--out).
#include <memory>

#include "apply.h"
#include "backend.h"
#include "target.h"

namespace mon::grafana {
struct Connection;
}

namespace mon::engine {

class DirectTarget {
 public:
  virtual ~DirectTarget() = default;
  /// Carries out `plan.operations`; outcomes point into `plan.changes`.
  virtual ApplyReport apply(const Plan& plan) = 0;
  /// Reads the target again and lists why `plan` no longer fits it (docs/plan-json.md,
  /// "Staleness"): an object in `plan.fingerprints` changed or vanished, or a new one appeared
  /// that one of the plan's writes would affect. Empty: fresh. False with `err` when unreadable.
  virtual bool stale(const Plan& plan, std::vector<std::string>& reasons, std::string& err) = 0;
};

/// True for the kinds planned here: "prometheus", "grafana".
bool isDirectKind(const std::string& kind);

/// Plans target `spec` from the backends' output `built` (build() of prometheus/grafana).
/// Null with `err` on failure (bad settings, unreadable target).
std::unique_ptr<DirectTarget> planDirect(const ir::Module& m, const SourceManager& sm, const OutputFiles& built,
                                         const TargetSpec& spec, bool prune, const RemoteOptions& opts, Plan& plan,
                                         std::string& err);

/// The target a saved plan (planFromJson) was made for, to check staleness and apply it.
/// Grafana reads the token from the environment variable named in the plan.
std::unique_ptr<DirectTarget> openDirect(const Plan& plan, const RemoteOptions& opts, std::string& err);

/// "" when a saved plan's target name may be used (it names the owned rule file and the
/// Grafana rule group): not empty, no control characters (NUL included); else the error.
std::string checkPlanTargetName(const Plan& plan);

// Per kind (prometheus_target.cpp, grafana_target.cpp), and what they share.
std::unique_ptr<DirectTarget> openPrometheus(const Plan& plan, const RemoteOptions& opts, std::string& err);
std::unique_ptr<DirectTarget> openGrafana(const Plan& plan, const RemoteOptions& opts, std::string& err);
std::unique_ptr<DirectTarget> planPrometheus(const ir::Module& m, const SourceManager& sm, const OutputFiles& built,
                                             const TargetSpec& spec, bool prune, const RemoteOptions& opts, Plan& plan,
                                             std::string& err);
std::unique_ptr<DirectTarget> planGrafana(const ir::Module& m, const SourceManager& sm, const OutputFiles& built,
                                          const TargetSpec& spec, bool prune, const RemoteOptions& opts, Plan& plan,
                                          std::string& err);
/// The connection to Grafana at `url` (no trailing slash) with the token from the environment
/// variable `keyEnv`, through opts.client with sendLogged. False with `err` naming the
/// variable (never a value) when it is not set. Shared by plan, apply FILE and pull.
bool connectGrafana(const std::string& name, const std::string& url, const std::string& keyEnv, const RemoteOptions& opts,
                    grafana::Connection& conn, std::string& err);
/// "file:line" of a monitor (by name) or dashboard (by url_path) for target `target`.
struct SourceIndex {
  std::map<std::string, std::string> monitors, dashboards;
};
SourceIndex sourceIndex(const ir::Module& m, const SourceManager& sm);
/// The source of the monitor an alert comes from: its name, or its name plus
/// " (response time)" / " (certificate)" (docs/backends.md); "" when none matches.
std::string alertSource(const SourceIndex& idx, const std::string& alert);
/// "file:line:col: " of the target's declaration ("" when unknown), for settings errors.
std::string targetWhere(const ir::Module& m, const SourceManager& sm, const std::string& name);
/// One HTTP exchange: GETs are retried like the Mackerel client's; the log line has the
/// method, the path and the status, never headers or bodies.
net::Response sendLogged(net::Client& client, const net::Request& req, const RemoteOptions& opts);
/// Puts `items` (a change and the index of the operation that carries it out, -1 for none)
/// into plan.changes sorted like diff() (kind, then key), each with its Change::op.
void setChanges(Plan& plan, std::vector<std::pair<Change, int>> items);
/// The report of an apply: one outcome per writing change (create, update, adopt, delete), in
/// plan order, with the result of the operation it is linked to (`results[op]`).
ApplyReport reportOf(const Plan& plan, const std::vector<OpResult>& results, double seconds);
/// What a target holds now, as fingerprints: key -> (fingerprint, label for messages).
using Fingerprints = std::map<std::string, std::pair<std::string, std::string>>;
/// Staleness reasons: each key of `saved` that is gone from or different in `now`, and each key
/// of `now` not in `saved` for which `planned(key)` is true ("... was created").
std::vector<std::string> staleReasons(const std::map<std::string, std::string>& saved, const Fingerprints& now,
                                      const std::function<bool(const std::string&)>& planned);

}  // namespace mon::engine
