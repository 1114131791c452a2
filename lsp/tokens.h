#pragma once
// Token categories for the language server, derived from the compiler's lexer so that lsp/
// does not depend on the generated parser.
#include <cstdint>
#include <string_view>
#include <vector>

#include "parse/lexer.h"

namespace mon::lsp {

enum class Tok {
  Ident, Number, Duration, StrOpen, StrText, StrClose, InterpOpen,
  Import, Let, Template, Use, For, In, If, Else, True, False, Null,
  LBrace, RBrace, LBrack, RBrack, LParen, RParen,
  Assign, Comma, Colon, Dot, Operator, Eof, Other
};

/// The category of a lexer token type.
Tok category(uint16_t type);

/// A lexed file with categories; the lexer's diagnostics are discarded.
struct TokenList {
  std::vector<Token> tokens;
  std::vector<Tok> kinds;
};
TokenList tokenize(std::string_view text);

/// Index of the token that contains `offset` or ends at it (identifiers preferred); -1 if none.
int tokenAt(const TokenList& t, uint32_t offset);

}  // namespace mon::lsp
