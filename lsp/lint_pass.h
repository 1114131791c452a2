#pragma once
// The lint rules (compiler/lint/, `monitorc lint`) over an analysis the server already made:
// they run on its IR, so an edit costs the rules and no second compile. The project's
// configuration is the `.monitorc-lint` nearest to the document (its directory or a parent).
#include <string>

#include "driver/compile.h"

namespace mon::lsp {

/// Adds the lint findings for the program rooted at `rootPath` to `c.diags`, as `monitorc lint`
/// reports them: only when the compile found no errors, with the configuration (read through
/// `reader`, so an open `.monitorc-lint` counts as edited) and the inline suppressions. The
/// configuration joins `c.sources`, so its own mistakes are reported at their line.
void lintAnalysis(Compilation& c, const std::string& rootPath, FileReader& reader);

/// The same for `module` without looking at errors: its findings (and the configuration's own
/// mistakes, which stop the rules) go to `out`; the configuration joins `sources`.
void lintModule(const ir::Module& module, SourceManager& sources, const std::string& rootPath, FileReader& reader,
                DiagEngine& out);

/// The `.monitorc-lint` that applies to `rootPath` (the nearest in its directory or a parent):
/// its path and text, or false when there is none.
bool findLintConfig(const std::string& rootPath, FileReader& reader, std::string& path, std::string& text);

/// Where rule `code` ("MON004") is explained, as a path with the rule's heading as fragment:
/// the docs/lint.md installed beside the running binary (PREFIX/share/doc/monitorc/lint.md for
/// PREFIX/bin/monitorc), "" when it is not there or the code is not a rule's.
std::string ruleDocPath(const std::string& code);

}  // namespace mon::lsp
