#pragma once
#include "target.h"

namespace mon::kibana {

/// `target kibana "NAME" { url = "..." api_key_env = "KIBANA_API_KEY" space = "default" ... }`.
const engine::TargetKind& target();

}  // namespace mon::kibana
