#pragma once
// What every backend offers the driver: the files `monitorc build` writes for it.
// Backends see only the IR.
#include <map>
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "ir/ir.h"

namespace mon {

/// Relative path -> file content, in a stable order.
using OutputFiles = std::map<std::string, std::string>;

struct Backend {
  const char* name;
  /// Files for `build`; reports monitors the backend cannot express.
  OutputFiles (*build)(const ir::Module& module, DiagEngine& diags);
  /// `check`: reports what build() reports, writing and keeping nothing; null when build()
  /// never reports anything (it expresses every monitor).
  void (*check)(const ir::Module& module, DiagEngine& diags) = nullptr;
};

/// Every backend, in the order `build` runs them.
const std::vector<Backend>& backends();

/// Runs every backend's check over a module the front end produced without errors (`monitorc
/// check` and the language server): what `build` would report, writing nothing.
void checkBackends(const ir::Module& module, DiagEngine& diags);

}  // namespace mon
