#pragma once
// The Zabbix 6.0 backend: every monitor for a `target zabbix` becomes items and triggers on one
// template that monitorc owns (linked to the hosts and host groups the target names);
// plan/apply/prune through the JSON-RPC API (target_kind.cpp, remote.cpp).
// docs/backends.md, "Zabbix", describes the mapping.
#include <string>
#include <vector>

#include "backend.h"

namespace mon::zabbix {

/// Settings of one `target zabbix`, defaults applied.
struct TargetSettings {
  std::string name;
  std::string templateHost;  // technical name of the owned template (in trigger expressions)
  std::string templateGroup = "Templates";
  std::vector<std::string> hosts;       // linked to the template
  std::vector<std::string> hostGroups;  // every host in them is linked
};
TargetSettings settingsOf(const ir::Target& t);

/// "" when `host` may be a Zabbix technical host name (letters, digits, ' ', '.', '_', '-';
/// 1 to 128 characters), else why not.
std::string checkTechnicalName(const std::string& host);

/// `zabbix/<target>/template.json`: the template and, per monitor, its items and triggers as
/// the API takes them.
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// What build() reports, writing nothing.
void check(const ir::Module& module, DiagEngine& diags);

/// `monitorc import zabbix FILE...` (backend.h, ImportFn): a Zabbix 6.0 template export
/// (configuration.export as JSON or YAML) as source, one `target zabbix` per template.
bool importExport(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);

}  // namespace mon::zabbix
