#pragma once
// `target prometheus`: monitorc owns one rule file per target in its rules_dir
// (`monitorc_<target>.yml`); plan compares it rule by rule, apply writes, checks, reloads and
// verifies it (apply.h), pull reads it back through the importer (pull.h).
#include "target.h"

namespace mon::prometheus {

const engine::TargetKind& target();

/// The target without a source: for a saved plan's checkSaved, stale and apply, and for pull.
std::unique_ptr<engine::Target> openTarget(const std::string& name, const std::string& url, const std::string& rulesDir,
                                           const engine::RemoteOptions& opts);

}  // namespace mon::prometheus
