#pragma once
// Fast re-analysis after an edit: only the top-level statements the edit touched are parsed
// again; the rest of the previous syntax tree is kept (shifted by the edit's size change).
// It is used only where it gives the same result as a full parse, else the caller falls back.
#include <string>

#include "workspace.h"

namespace mon::lsp {

/// True when the root file of `a` parsed without syntax errors (its tree can be reused).
bool syntaxClean(const Analysis& a);

/// Analyses `text` (the new content of `prev`'s root document) reusing `prev`'s syntax tree,
/// whose statements it takes. False (with `prev` untouched) when only a full compile is safe.
bool reanalyze(Analysis& prev, const std::string& text, FileReader& reader, Analysis& out);

}  // namespace mon::lsp
