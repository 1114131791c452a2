#pragma once
// `target alertmanager "NAME" { ... }`: where the routing goes and how its secrets are read.
#include "target.h"

namespace mon::alertmanager {

const engine::TargetKind& target();

}  // namespace mon::alertmanager
