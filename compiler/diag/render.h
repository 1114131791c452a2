#pragma once
// Renderers for collected diagnostics: Clang-style text for people, JSON for tools.
#include <string>
#include <vector>

#include "diag/diagnostic.h"

namespace mon {

/// `file:line:col: error: message`, the source line, a caret under the range, then notes; with
/// `color`, in Clang's colours (see useColor() in support/terminal.h for when).
std::string renderText(const SourceManager& sm, const std::vector<Diagnostic>& diags, bool color = false);
/// One JSON array; ranges as 1-based line/column (byte columns), plus the catalog name.
std::string renderJson(const SourceManager& sm, const std::vector<Diagnostic>& diags);
/// "2 errors, 1 warning" style summary, empty when there is nothing to say.
std::string renderSummary(size_t errors, size_t warnings);

}  // namespace mon
