#pragma once
// Statement-level re-check after an edit: after incremental.cpp has parsed again only the
// statements an edit touched, the checks (expansion, schema, the backends' checks and lint) run
// again only for those statements, with every definition and target they can read; every other
// statement's findings are kept from the last analysis, moved by the edit's size change.
// Findings that compare statements with each other are kept up to date over all of them: MON009
// (duplicate monitors) by comparing again only the monitors that share what MON009 compares
// with a monitor the edit made or took away, duplicate names from the kept names (any duplicate
// name sends the next edit to the full path).
//
// It only handles programs it can prove the shortcut right for, else the caller runs the whole
// pipeline: one file without imports, made of `let`, `template`, `variable`, `target`, `monitor`
// and `dashboard` statements only (nothing that makes objects which other statements' checks
// compare with theirs: channels, routes, rules, defaults), without `for` loops, function calls,
// templates that use templates, lets that read other names, lint suppression comments, findings
// outside a monitor, dashboard or target, or a size that could come near expansion's limits
// (steps, objects, the evaluation budget: the statements checked alone would stay under a limit
// the whole program reaches). The edit must touch monitor and dashboard blocks only: an edit of
// a target (which the backends' checks of every monitor read) takes the full path.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "workspace.h"

namespace mon::lsp {

struct RecheckState;

/// What a later edit needs to re-check only the statements it touches, taken from a full
/// analysis `a` of `rootPath` whose diagnostics are the compile's up to `frontEnd`, then the
/// backends' checks up to `backendEnd`, then lint. Takes `a`'s monitors (the language server's
/// features do not read the IR). Null when the program is outside what the re-check handles.
std::shared_ptr<RecheckState> buildRecheckState(Analysis& a, size_t frontEnd, size_t backendEnd, const std::string& rootPath,
                                                FileReader& reader);

/// Where an edit re-parsed: the old statements [first, oldLast) became the new ones [first,
/// first + newCount); text from oldRegionEnd on moved by `delta` (regionBegin is unchanged).
struct StatementEdit {
  size_t first = 0, oldLast = 0, newCount = 0;
  uint32_t regionBegin = 0, oldRegionEnd = 0;
  int64_t delta = 0;
  /// The edit may have moved the lines or columns of text outside the region: it changed the
  /// number of lines, or the line it ends on goes on past the region.
  bool linesMove = true;
};

/// Checks the program in `c` (its root `root`, the new tree, already in c.program) re-running
/// the pipeline for the edited statements only. On success returns the state for the next edit,
/// which holds the program's findings (forEachFindingRun; c.diags stays empty); null when only the
/// full pipeline is right (c.diags and the tree are then as they were). `state` is used up
/// either way.
std::shared_ptr<RecheckState> recheckStatements(std::shared_ptr<RecheckState> state, const StatementEdit& edit,
                                                Compilation& c, FileId root, const std::string& rootPath, FileReader& reader);

/// Every finding of the program the state was last re-checked for (recheckStatements), as the
/// full pipeline would report them (in another order), read where they are kept, in runs: a
/// run's id is never used for other findings, and stays the same from edit to edit only while
/// its findings and the lines and columns they point at do (their offsets may move), so what was
/// made of a run, its JSON, can be kept by id.
void forEachFindingRun(const RecheckState& state, const std::function<void(uint64_t, const std::vector<Diagnostic>&)>& f);

}  // namespace mon::lsp
