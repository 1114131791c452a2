#pragma once
// Splits a file's tokens into runs of whole top-level statements, so a large file is parsed in
// pieces: each piece's parse tree is freed before the next is built, and pieces can be parsed
// on several cores.
#include <cstddef>
#include <vector>

#include "parse/lexer.h"

namespace mon {

struct TokenRange {
  size_t begin, end;  // token indices, end exclusive; never includes the end-of-file token
};

/// Consecutive ranges covering every token but the final end-of-file one, each about
/// `targetTokens` long, cut only where a top-level statement certainly begins: after a `}` that
/// closes to the top level, before a name or a statement keyword (not `else`). Nothing in the
/// grammar lets a statement continue with a name after such a brace, so each range parses alone
/// exactly as it would inside the file; a range that does not parse alone makes the caller parse
/// the whole file instead, so a wrong cut could cost time, never a different tree.
std::vector<TokenRange> statementChunks(const std::vector<Token>& tokens, size_t targetTokens);

}  // namespace mon
