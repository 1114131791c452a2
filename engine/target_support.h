#pragma once
// What backends share when they plan and apply by themselves rather than through the object
// model (object_target.h): saved-plan checks, staleness by fingerprints, source locations of
// changes, the logged HTTP client, and the report of an apply by operations.
#include <map>

#include "target.h"

namespace mon::engine {

/// "" when a saved plan's target name may be used (it names the owned rule file and the
/// Grafana rule group): not empty, no control characters (NUL included); else the error.
std::string checkPlanTargetName(const Plan& plan);
/// "" when every writing change (create, update, adopt, delete) of a saved plan names the
/// operation that carries it out, as plans of backends that write by operations do.
std::string writesByOperations(const Plan& plan);

/// Where a plan points for an object (Change::source, templateSource, templateName): the line
/// that made it, which for an object a template made is the outermost `use`, and then the
/// object's own line in the template's body.
struct Origin {
  std::string source, templateSource, templateName;
};
/// The origin of an object written at `own` and made by `by`.
Origin originOf(const SourceManager& sm, const ir::MadeBy& by, const Range& own);
/// "file:line:col" of what made an object written at `own` and made by `by`: the outermost
/// `use` for an object a template made, else `own`; "" when unknown.
std::string locationOf(const SourceManager& sm, const ir::MadeBy& by, const Range& own);
/// Sets the change's source, templateSource and templateName.
void setOrigin(Change& c, const Origin& o);

/// The origin of a monitor or rule (by name) and of a dashboard (by url_path).
struct SourceIndex {
  std::map<std::string, Origin> monitors, dashboards;
};
SourceIndex sourceIndex(const ir::Module& m, const SourceManager& sm);
/// The origin of the monitor an alert comes from: its name, or its name plus
/// " (response time)" / " (certificate)" (docs/backends.md); empty when none matches.
Origin alertOrigin(const SourceIndex& idx, const std::string& alert);
/// "file:line:col: " of the target's declaration ("" when unknown), for settings errors.
std::string targetWhere(const ir::Module& m, const SourceManager& sm, const std::string& name);
/// The client a backend sends its requests through: opts.clientOrDefault() behind a
/// net::LoggingClient that logs each exchange to opts.log (method, path, status; never headers
/// or bodies; `secrets` redacted from the line and from transport reasons) and retries GETs by
/// opts.retry.
std::shared_ptr<net::Client> loggedClient(const RemoteOptions& opts, std::vector<std::string> secrets = {});
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
