#pragma once
#include "target.h"

namespace mon::zabbix {

/// `target zabbix "NAME" { url = ..., token_env = ... }`.
const engine::TargetKind& target();

}  // namespace mon::zabbix
