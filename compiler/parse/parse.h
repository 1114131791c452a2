#pragma once
// parse(): source text -> generic AST. The only user of ANTLR.
#include <memory>
#include <string>

#include "ast/ast.h"
#include "diag/diag_engine.h"

namespace mon {

/// Parses one file that is already in the SourceManager. Errors are reported with ranges and
/// parsing recovers, so one run shows every syntax error; the tree holds what could be read.
ast::File parse(const SourceManager& sm, FileId file, DiagEngine& diags);
/// The same with the file's text given: for a parse on another thread while the loader adds
/// further files to the SourceManager. The tree shares the text: its names and literals are
/// views into it.
ast::File parse(FileId file, const std::shared_ptr<const std::string>& text, DiagEngine& diags);

/// The whole file parsed at once with error recovery, as parse() parses the rest of a file from
/// the first piece that does not parse alone: what parse() gives is the same, which tests check.
ast::File parseWithRecovery(const SourceManager& sm, FileId file, DiagEngine& diags);

/// The statements of a file still being parsed, taken in order. A large file is parsed in
/// pieces of whole statements, on other threads too, while its first statements are already
/// being expanded: the whole file's tree is never in memory at once, and parsing the later
/// pieces overlaps expanding the earlier ones.
class StatementFeed {
 public:
  struct Impl;
  explicit StatementFeed(std::unique_ptr<Impl> impl);
  ~StatementFeed();  // stops the threads still parsing
  StatementFeed(const StatementFeed&) = delete;
  StatementFeed& operator=(const StatementFeed&) = delete;

  /// Appends the next statements to `file` (parsed on this thread when no other has started
  /// them). False when there are none left; the pieces' diagnostics have then been appended to
  /// `diags`, as parse() reports them after the lexer's.
  bool next(ast::File& file, DiagEngine& diags);

 private:
  std::unique_ptr<Impl> impl_;
};

/// parse(), but a file large enough to be parsed on several threads comes back with its
/// comments and none of its statements, which are left to `rest` (null for any other file),
/// and the lexer's diagnostics in `diags`. The threads that parse ahead of the caller allocate
/// from the heap that was the caller's when this was called (support/memory.h: the caller
/// frees the statements as it goes).
ast::File parseIncrementally(FileId file, const std::shared_ptr<const std::string>& text, DiagEngine& diags,
                             std::unique_ptr<StatementFeed>& rest);

}  // namespace mon
