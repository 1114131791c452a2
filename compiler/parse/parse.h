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
/// The same with the file's text and path given (the path must stay put while it runs): for a
/// parse on another thread while the loader adds further files to the SourceManager. The tree
/// shares the text: its names and literals are views into it.
ast::File parse(FileId file, const std::shared_ptr<const std::string>& text, const std::string& path,
                DiagEngine& diags);

}  // namespace mon
