#pragma once
// lint(): the rules of rules.h over the IR, so they hold for every backend. Findings are
// diagnostics with the rule's code (Diagnostic::rule) and configured severity.
#include "diag/diag_engine.h"
#include "ir/ir.h"
#include "lint/config.h"

namespace mon::lint {

/// Runs every enabled rule on `m`, honouring the inline suppressions found in the sources
/// (all files of `sm` except `configFile`), and reports suppressions that turned nothing off.
void lint(const ir::Module& m, const SourceManager& sm, const Config& config, FileId configFile, DiagEngine& diags);

}  // namespace mon::lint
