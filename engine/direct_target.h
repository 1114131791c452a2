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

namespace mon::engine {

class DirectTarget {
 public:
  virtual ~DirectTarget() = default;
  /// Carries out the plan made with it; outcomes point into `plan.changes`.
  virtual ApplyReport apply(const Plan& plan) = 0;
};

/// True for the kinds planned here: "prometheus", "grafana".
bool isDirectKind(const std::string& kind);

/// Plans target `spec` from the backends' output `built` (build() of prometheus/grafana).
/// Null with `err` on failure (bad settings, unreadable target).
std::unique_ptr<DirectTarget> planDirect(const ir::Module& m, const SourceManager& sm, const OutputFiles& built,
                                         const TargetSpec& spec, bool prune, const RemoteOptions& opts, Plan& plan,
                                         std::string& err);

// Per kind (prometheus_target.cpp, grafana_target.cpp), and what they share.
std::unique_ptr<DirectTarget> planPrometheus(const ir::Module& m, const SourceManager& sm, const OutputFiles& built,
                                             const TargetSpec& spec, bool prune, const RemoteOptions& opts, Plan& plan,
                                             std::string& err);
std::unique_ptr<DirectTarget> planGrafana(const ir::Module& m, const SourceManager& sm, const OutputFiles& built,
                                          const TargetSpec& spec, bool prune, const RemoteOptions& opts, Plan& plan,
                                          std::string& err);
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
/// Puts `items` (a change and the index of the backend change that carries it out, -1 for
/// none) into plan.changes sorted like diff() (kind, then key), and their links into `links`.
void setChanges(Plan& plan, std::vector<std::pair<Change, int>> items, std::vector<int>& links);
/// The report of an apply: one outcome per writing change (create, update, adopt, delete), in
/// plan order, with the result of the backend change it is linked to.
ApplyReport reportOf(const Plan& plan, const std::vector<int>& links, const std::vector<OpResult>& results, double seconds);

}  // namespace mon::engine
