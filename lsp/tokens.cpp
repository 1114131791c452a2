#include "tokens.h"

#include <array>
#include <string>

namespace mon::lsp {

namespace {

Tok fromDescription(const std::string& d) {
  static const std::pair<const char*, Tok> kTable[] = {
      {"a name", Tok::Ident},       {"a number", Tok::Number},    {"a duration", Tok::Duration},
      {"a string", Tok::StrOpen},   {"string text", Tok::StrText}, {"'\"'", Tok::StrClose},
      {"'${'", Tok::InterpOpen},    {"'import'", Tok::Import},    {"'let'", Tok::Let},
      {"'template'", Tok::Template}, {"'use'", Tok::Use},          {"'for'", Tok::For},
      {"'in'", Tok::In},            {"'if'", Tok::If},            {"'else'", Tok::Else},
      {"'true'", Tok::True},        {"'false'", Tok::False},      {"'null'", Tok::Null},
      {"'{'", Tok::LBrace},         {"'}'", Tok::RBrace},         {"'['", Tok::LBrack},
      {"']'", Tok::RBrack},         {"'('", Tok::LParen},         {"')'", Tok::RParen},
      {"'='", Tok::Assign},         {"','", Tok::Comma},          {"':'", Tok::Colon},
      {"'.'", Tok::Dot},            {"end of file", Tok::Eof},    {"a token", Tok::Other},
  };
  for (const auto& [text, tok] : kTable)
    if (d == text) return tok;
  return Tok::Operator;  // '==', '&&', '!', '-' ...
}

}  // namespace

Tok category(uint16_t type) {
  if (type == kTokEof) return Tok::Eof;
  static const std::array<Tok, 256> table = [] {
    std::array<Tok, 256> t{};
    for (size_t i = 0; i < t.size(); ++i) {
      const char* d = tokenDescription(static_cast<uint16_t>(i));
      t[i] = d ? fromDescription(d) : Tok::Other;
    }
    return t;
  }();
  return type < table.size() ? table[type] : Tok::Other;
}

TokenList tokenize(std::string_view text) {
  DiagEngine scratch;
  LexResult lexed = lex(0, text, scratch);
  TokenList out;
  out.tokens = std::move(lexed.tokens);
  out.kinds.reserve(out.tokens.size());
  for (const Token& t : out.tokens) out.kinds.push_back(category(t.type));
  return out;
}

int tokenAt(const TokenList& t, uint32_t offset) {
  int best = -1;
  for (size_t i = 0; i < t.tokens.size(); ++i) {
    const Token& tok = t.tokens[i];
    if (tok.begin > offset) break;
    if (t.kinds[i] == Tok::Eof) break;
    bool inside = offset >= tok.begin && offset < tok.end;
    bool atEnd = offset == tok.end && tok.end > tok.begin;
    if (inside) return static_cast<int>(i);
    if (atEnd) best = static_cast<int>(i);  // the cursor right after a word still hovers it
  }
  return best;
}

}  // namespace mon::lsp
