#pragma once
// The Kibana backend: log monitors (query monitors on a `target kibana`) become Kibana alerting
// rules of type Elasticsearch query (`.es-query`), one rule per threshold, owned through the
// tag `managed-by:monitorc`; plan/apply/prune through Kibana's alerting API (target_kind.cpp,
// rule_remote.cpp). docs/kibana.md describes the mapping.
#include <string>
#include <vector>

#include "backend.h"

namespace mon::kibana {

/// Settings of one `target kibana`, defaults applied.
struct TargetSettings {
  std::string name;
  std::string url;
  std::string apiKeyEnv = "KIBANA_API_KEY";
  std::string space = "default";
  std::vector<std::string> index;         // indices an Elasticsearch DSL query reads
  std::string timeField = "@timestamp";   // their time field
  std::string dataView;                   // the data view a KQL query reads
  long long windowSeconds = 300;          // how far back each run counts documents
  long long everySeconds = 60;            // how often a rule runs
  std::vector<std::string> criticalConnectors, warningConnectors;  // connector ids
};
TargetSettings settingsOf(const ir::Target& t);

/// `kibana/<target>/rules.json`: per monitor, its rules as the create rule API takes them.
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// What build() reports, writing nothing.
void check(const ir::Module& module, DiagEngine& diags);

}  // namespace mon::kibana
