#pragma once
#include "target.h"

namespace mon::newrelic {

/// `target newrelic "NAME" { account_id = ..., policy = "..." ... }`.
const engine::TargetKind& target();

}  // namespace mon::newrelic
