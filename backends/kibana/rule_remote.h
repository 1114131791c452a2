#pragma once
// The engine's Remote (engine/remote.h) over Kibana's alerting API: one remote "monitor" per
// rule, keyed by its name, identified by its rule id, as {name, type: "rule", rule: the create
// body}. Ownership is the tag managed-by:monitorc; the engine's memo marker is how this Remote
// reports it. Rules of other types and rules without the tag are read (so a name is never
// taken twice) and never written. Dashboards go to the saved objects API (dashboard_remote.h).
#include <memory>

#include "kibana/api.h"
#include "remote.h"

namespace mon::kibana {

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, std::string targetName, std::string space);

/// The canonical form of a rule, as read or as sent (DiffOptions::normalize): the create body
/// with Kibana's defaults, tags sorted, actions without the fields Kibana adds (uuid,
/// connector_type_id), the DSL query re-serialised.
ir::Json normalize(engine::ObjKind kind, const ir::Json& body);

/// A rule as `_find` or `GET /api/alerting/rule/ID` answers it, as the create body it was
/// written with.
ir::Json createBodyOf(const ir::Json& read);

/// The id monitorc gives the rule named `name` in `space` when it creates it: a UUID (version
/// 4 layout) from a SHA-256 of both, so that a create sent again answers 409 instead of making
/// a second rule.
std::string ruleId(const std::string& space, const std::string& name);

}  // namespace mon::kibana
