#pragma once
// The engine's Remote (engine/remote.h) over NerdGraph: one remote "monitor" per NRQL condition
// of the alert policy monitorc owns (found by its exact name, created at the first write),
// keyed by the condition's name, identified by its id, as {name, type: "nrql", conditionType:
// STATIC|BASELINE, condition: the condition input}. A condition is owned when its description
// ends with the engine's marker line (engine/ownership.h); conditions of other policies are
// never read.
#include <memory>

#include "newrelic/nerdgraph.h"
#include "remote.h"

namespace mon::newrelic {

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, int64_t accountId, std::string policy, std::string targetName);

/// The canonical form of a condition, as read or as sent (DiffOptions::normalize): New Relic's
/// defaults filled in, nulls left out, numbers as numbers, terms critical first.
ir::Json normalize(engine::ObjKind kind, const ir::Json& body);

/// A condition of nrqlConditionsSearch as the input it was written with.
ir::Json conditionInput(const ir::Json& read);

/// The GraphQL documents the remote sends (the fake NerdGraph checks them against the schema).
extern const char* const kPoliciesQuery;
extern const char* const kConditionsQuery;
extern const char* const kPolicyCreate;
extern const char* const kStaticCreate;
extern const char* const kStaticUpdate;
extern const char* const kBaselineCreate;
extern const char* const kBaselineUpdate;
extern const char* const kConditionDelete;

}  // namespace mon::newrelic
