#pragma once
// The New Relic backend: every monitor for a `target newrelic` becomes NRQL alert conditions
// (static, or baseline when its raw settings give a baselineDirection) in one alert policy that
// monitorc owns, written through NerdGraph, New Relic's GraphQL API (nerdgraph.cpp,
// condition_remote.cpp). docs/newrelic.md describes the mapping and the ownership marker.
#include <cstdint>
#include <string>

#include "backend.h"

namespace mon::newrelic {

/// Settings of one `target newrelic`, defaults applied.
struct TargetSettings {
  std::string name;
  int64_t accountId = 0;
  std::string apiKeyEnv = "NEW_RELIC_API_KEY";
  std::string url = "https://api.newrelic.com/graphql";
  std::string policy;  // default "monitorc: NAME"
};
TargetSettings settingsOf(const ir::Target& t);

/// `newrelic/<target>/conditions.json`: per condition, its type and the NerdGraph input.
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// What build() reports, writing nothing.
void check(const ir::Module& module, DiagEngine& diags);

}  // namespace mon::newrelic
