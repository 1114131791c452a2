#pragma once
// The engine's Remote (engine/remote.h) over the Zabbix API: one remote "monitor" per monitorc
// monitor, made of the triggers tagged with its name on the owned template and the items they
// read. Ownership is the tag managed_by=monitorc on each trigger (and item); the engine's
// memo marker is how this Remote reports it.
#include <memory>

#include "remote.h"
#include "zabbix/api.h"
#include "zabbix/zabbix.h"

namespace mon::zabbix {

std::unique_ptr<engine::Remote> makeRemote(std::shared_ptr<Api> api, TargetSettings s);

/// The canonical form of a remote monitor, as read or as sent (DiffOptions::normalize):
/// values as strings, Zabbix's defaults filled in, items and tags sorted, triggers by part.
ir::Json normalize(engine::ObjKind kind, const ir::Json& body);

}  // namespace mon::zabbix
