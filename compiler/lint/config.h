#pragma once
// Project-level lint configuration: a `.monitorc-lint` file of `RULE = SEVERITY` lines.
#include <map>
#include <optional>
#include <string>

#include "diag/diag_engine.h"

namespace mon::lint {

struct Config {
  /// Rule code -> severity; std::nullopt turns the rule off. Rules not listed keep their default.
  std::map<std::string, std::optional<Severity>> severity;
};

/// Parses a configuration file already added to the source manager:
///   # comment
///   MON004 = off            # or the rule's name: no-runbook = off
///   threshold-order = warning
/// Severities: off, note, warning, error. A bad line is an error at its place; the rest is kept.
Config parseConfig(FileId file, const SourceManager& sm, DiagEngine& diags);

}  // namespace mon::lint
