#pragma once
// The hand-written lexer. It produces the token types declared in grammar/MonParser.g4,
// keeps comments aside for the formatter, and guards against pathological input: invalid
// UTF-8, NUL bytes, and nesting deep enough to exhaust the parser's stack.
#include <cstdint>
#include <string_view>
#include <vector>

#include "ast/ast.h"
#include "diag/diag_engine.h"

namespace mon {

struct Token {
  uint16_t type;  // MonParser::IDENT etc.; 0xffff for end of input
  uint32_t begin;
  uint32_t end;
};

constexpr uint16_t kTokEof = 0xffff;
/// Deepest bracket/brace/interpolation nesting accepted.
constexpr int kMaxNesting = 200;
/// Longest chain of binary and postfix operators (`a.b.c`, `x || y || z`) on one path through
/// an expression: each link is one level of the tree too.
constexpr int kMaxChain = 20000;
/// Longest run of binary operators (`x || y || z`) on one path: the parser recurses once per
/// operator (the grammar's expressions are right-nested runs).
constexpr int kMaxBinaryChain = 1000;
/// Longest `else if` chain: the parser recurses once per link.
constexpr int kMaxElseIf = 1000;

struct LexResult {
  std::vector<Token> tokens;  // ends with a kTokEof token
  std::vector<ast::Comment> comments;  // their texts are views into the lexed text
  /// Lexing stopped early after an error that makes the rest unreadable (nesting too deep, an
  /// unterminated string, too many errors): the tokens end where it stopped.
  bool stopped = false;
  uint32_t stoppedAt = 0;  // where the error that stopped it begins
};

/// Splits a file into tokens. Errors go to `diags`; lexing always completes.
LexResult lex(FileId file, std::string_view text, DiagEngine& diags);

/// Human name of a token type for messages: "'{'", "identifier", "end of file".
const char* tokenDescription(uint16_t type);

}  // namespace mon
