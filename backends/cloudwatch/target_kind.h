#pragma once
#include "target.h"

namespace mon::cloudwatch {

/// `target cloudwatch "NAME" { region = "..." ... }`.
const engine::TargetKind& target();

}  // namespace mon::cloudwatch
