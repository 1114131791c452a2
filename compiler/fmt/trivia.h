#pragma once
// attachComments(): the formatter's trivia pass. Hangs every comment of a file on the nearest
// node by position, and records where the source had blank lines, so the unparser can print
// the tree and keep both.
#include <unordered_map>
#include <vector>

#include "ast/ast.h"

namespace mon::fmt {

struct CommentRef {
  const ast::Comment* comment;
  bool blankBefore;  // the source had an empty line right before it
};

/// Comments around one element of a sequence: a statement, a list item or a map entry.
struct ElemTrivia {
  std::vector<CommentRef> leading;   // on their own lines before it (or inside it, moved out)
  std::vector<CommentRef> trailing;  // on the line where it ends
};

/// Comments of a sequence itself: a body, the file, a list or a map.
struct SeqTrivia {
  std::vector<CommentRef> open;      // body only: on the line of its `{`, before any statement
  std::vector<CommentRef> dangling;  // after the last element, before the closing bracket
};

struct Trivia {
  /// Keyed by `const ast::Stmt*`, `const ast::Expr*` (list item) or `const ast::MapEntry*`.
  std::unordered_map<const void*, ElemTrivia> elems;
  /// Keyed by `const ast::List<ast::StmtPtr>*` (a body or the file) or the list/map Expr.
  std::unordered_map<const void*, SeqTrivia> seqs;

  const ElemTrivia* elem(const void* key) const;
  const SeqTrivia* seq(const void* key) const;
};

/// Attaches every comment of `file` to exactly one place in the returned Trivia.
Trivia attachComments(const SourceManager& sm, const ast::File& file);

/// True when the source has an empty line between `offset` and the text before it.
bool blankLineBefore(const std::string& text, uint32_t offset);

}  // namespace mon::fmt
