#include "parse/chunks.h"

#include "MonParser.h"

namespace mon {

namespace {

using P = MonParser;

bool opens(uint16_t t) { return t == P::LBRACE || t == P::LBRACK || t == P::LPAREN || t == P::INTERP_OPEN || t == P::STR_OPEN; }
bool closes(uint16_t t) { return t == P::RBRACE || t == P::RBRACK || t == P::RPAREN || t == P::STR_CLOSE; }
bool startsStatement(uint16_t t) {
  return t == P::IDENT || t == P::KW_LET || t == P::KW_IMPORT || t == P::KW_TEMPLATE || t == P::KW_USE ||
         t == P::KW_FOR || t == P::KW_IF;
}

}  // namespace

std::vector<TokenRange> statementChunks(const std::vector<Token>& tokens, size_t targetTokens) {
  std::vector<TokenRange> out;
  size_t end = tokens.empty() ? 0 : tokens.size() - 1;  // the end-of-file token stays out
  size_t begin = 0;
  long depth = 0;
  for (size_t i = 0; i < end; ++i) {
    uint16_t t = tokens[i].type;
    if (opens(t)) ++depth;
    else if (closes(t)) --depth;  // an interpolation's `}` closes INTERP_OPEN; STR_CLOSE closes STR_OPEN
    bool cut = depth == 0 && t == P::RBRACE && i + 1 < end && startsStatement(tokens[i + 1].type) &&
               i + 1 - begin >= targetTokens;
    if (cut) {
      out.push_back(TokenRange{begin, i + 1});
      begin = i + 1;
    }
  }
  if (begin < end || out.empty()) out.push_back(TokenRange{begin, end});
  return out;
}

}  // namespace mon
