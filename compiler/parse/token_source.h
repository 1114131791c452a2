#pragma once
// Feeds the hand lexer's tokens to the generated ANTLR parser. Tokens are small objects that
// remember only type, index and byte offsets: messages are built from our own token table.
//
// ArrayTokenStream replaces ANTLR's BufferedTokenStream: all tokens are known up front, so
// they live in one array (no allocation, channel filtering or dynamic_cast per token as the
// buffered stream does while fetching), and LA/LT are an index into it.
#include <antlr4-runtime.h>

#include "parse/lexer.h"

namespace mon {

class LiteToken : public antlr4::WritableToken {
 public:
  LiteToken(size_t type, uint32_t begin, uint32_t end, size_t index, antlr4::TokenSource* source)
      : type_(type), begin_(begin), end_(end), index_(index), source_(source) {}
  std::string getText() const override { return ""; }
  size_t getType() const override { return type_; }
  size_t getLine() const override { return 0; }
  size_t getCharPositionInLine() const override { return 0; }
  size_t getChannel() const override { return DEFAULT_CHANNEL; }
  size_t getTokenIndex() const override { return index_; }
  size_t getStartIndex() const override { return begin_; }
  size_t getStopIndex() const override { return end_; }
  // ANTLR's recovery conjures a missing token from the current one's source: never null.
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  antlr4::CharStream* getInputStream() const override { return nullptr; }
  std::string toString() const override { return ""; }
  void setText(const std::string&) override {}
  void setType(size_t t) override { type_ = t; }
  void setLine(size_t) override {}
  void setCharPositionInLine(size_t) override {}
  void setChannel(size_t) override {}
  void setTokenIndex(size_t i) override { index_ = i; }
  /// The byte offsets, read without a virtual call.
  uint32_t begin() const { return begin_; }
  uint32_t end() const { return end_; }

 private:
  size_t type_;
  uint32_t begin_, end_;  // byte offsets, end exclusive
  size_t index_;
  antlr4::TokenSource* source_;
};

/// Only what error recovery asks of a token source: a factory for the tokens it conjures up.
/// The parser reads tokens from ArrayTokenStream, never from here.
class RecoveryTokenSource : public antlr4::TokenSource {
 public:
  std::unique_ptr<antlr4::Token> nextToken() override { return nullptr; }
  size_t getLine() const override { return 0; }
  size_t getCharPositionInLine() override { return 0; }
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return ""; }
  template <typename T>
  void setTokenFactory(T) {}
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }
};

class ArrayTokenStream : public antlr4::TokenStream {
 public:
  explicit ArrayTokenStream(const std::vector<Token>& tokens) {
    tokens_.reserve(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
      size_t type = tokens[i].type == kTokEof ? antlr4::Token::EOF : tokens[i].type;
      tokens_.emplace_back(type, tokens[i].begin, tokens[i].end, i, &source_);
    }
  }

  antlr4::Token* LT(ssize_t k) override {
    if (k == 1) return &tokens_[p_];  // the parser's usual question; p_ is always in range
    if (k == 0) return nullptr;
    ssize_t i = k > 0 ? static_cast<ssize_t>(p_) + k - 1 : static_cast<ssize_t>(p_) + k;
    if (i < 0) return nullptr;
    return &tokens_[std::min(static_cast<size_t>(i), tokens_.size() - 1)];
  }
  size_t LA(ssize_t i) override {
    if (i == 1) return tokens_[p_].LiteToken::getType();
    antlr4::Token* t = LT(i);
    return t ? t->getType() : antlr4::Token::INVALID_TYPE;
  }
  antlr4::Token* get(size_t index) const override {
    return const_cast<LiteToken*>(&tokens_[std::min(index, tokens_.size() - 1)]);
  }
  antlr4::TokenSource* getTokenSource() const override { return const_cast<RecoveryTokenSource*>(&source_); }
  // Texts are taken from the source by byte offsets (AstBuilder); ANTLR only asks for them in
  // messages we do not use.
  std::string getText(const antlr4::misc::Interval&) override { return ""; }
  std::string getText() override { return ""; }
  std::string getText(antlr4::RuleContext*) override { return ""; }
  std::string getText(antlr4::Token*, antlr4::Token*) override { return ""; }

  void consume() override {
    if (p_ + 1 < tokens_.size()) ++p_;
  }
  ssize_t mark() override { return 0; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = std::min(index, tokens_.size() - 1); }
  size_t size() override { return tokens_.size(); }
  std::string getSourceName() const override { return ""; }

 private:
  RecoveryTokenSource source_;
  std::vector<LiteToken> tokens_;  // never resized after construction: the parser keeps pointers
  size_t p_ = 0;
};

}  // namespace mon
