#pragma once
// unparse(): the AST of a file, with its comments, as a layout Doc (see doc.h).
#include "ast/ast.h"
#include "fmt/doc.h"
#include "fmt/trivia.h"

namespace mon::fmt {

/// Builds the canonical layout of `file`; `trivia` says where its comments go.
DocPtr unparse(const SourceManager& sm, const ast::File& file, const Trivia& trivia);

/// The source spelling of a string literal's text part: escapes as the lexer reads them,
/// with `${` written `\${` so it stays text.
std::string escapeStringText(const std::string& decoded);

}  // namespace mon::fmt
