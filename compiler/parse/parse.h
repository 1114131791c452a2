#pragma once
// parse(): source text -> generic AST. The only user of ANTLR.
#include "ast/ast.h"
#include "diag/diag_engine.h"

namespace mon {

/// Parses one file that is already in the SourceManager. Errors are reported with ranges and
/// parsing recovers, so one run shows every syntax error; the tree holds what could be read.
ast::File parse(const SourceManager& sm, FileId file, DiagEngine& diags);
/// The same with the file's text and path given (they must stay put while it runs): for a parse
/// on another thread while the loader adds further files to the SourceManager.
ast::File parse(FileId file, const std::string& text, const std::string& path, DiagEngine& diags);

}  // namespace mon
