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
/// What SARIF's tool.driver.rules says about one rule (a lint rule, or a catalog entry).
struct RuleDescription {
  std::string id;        // "MON001" or "err_unknown_field"
  std::string name;      // "threshold-order"
  std::string summary;   // one line
  std::string help;      // why it matters
  Severity severity = Severity::Warning;
};
/// A SARIF 2.1.0 log with one run: the rules that `diags` use (described by `rules` when listed
/// there, else by their catalog entry) and one result per diagnostic, its notes as related
/// locations. Columns are Unicode code points (columnKind unicodeCodePoints).
std::string renderSarif(const SourceManager& sm, const std::vector<Diagnostic>& diags,
                        const std::vector<RuleDescription>& rules, const std::string& version);
/// GitHub Actions workflow commands, one per diagnostic:
/// `::warning file=F,line=L,col=C,endLine=L,endColumn=C,title=RULE::message`, notes appended.
std::string renderGithub(const SourceManager& sm, const std::vector<Diagnostic>& diags);
/// "2 errors, 1 warning" style summary, empty when there is nothing to say.
std::string renderSummary(size_t errors, size_t warnings);

}  // namespace mon
