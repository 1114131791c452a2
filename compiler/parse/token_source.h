#pragma once
// Feeds the hand lexer's tokens to the generated ANTLR parser. Tokens are small objects that
// remember only type, index, byte offsets and their source: messages are built from our own
// token table.
#include <antlr4-runtime.h>

#include "parse/lexer.h"

namespace mon {

class LiteToken : public antlr4::WritableToken {
 public:
  LiteToken(size_t type, uint32_t begin, uint32_t end, antlr4::TokenSource* source)
      : type_(type), begin_(begin), end_(end), source_(source) {}
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

 private:
  size_t type_;
  uint32_t begin_, end_;  // byte offsets, end exclusive
  antlr4::TokenSource* source_;
  size_t index_ = 0;
};

class VectorTokenSource : public antlr4::TokenSource {
 public:
  explicit VectorTokenSource(const std::vector<Token>& tokens) : tokens_(tokens) {}
  std::unique_ptr<antlr4::Token> nextToken() override {
    const Token& t = tokens_[next_ < tokens_.size() ? next_++ : tokens_.size() - 1];
    size_t type = t.type == kTokEof ? antlr4::Token::EOF : t.type;
    return std::make_unique<LiteToken>(type, t.begin, t.end, this);
  }
  size_t getLine() const override { return 0; }
  size_t getCharPositionInLine() override { return 0; }
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return ""; }
  template <typename T>
  void setTokenFactory(T) {}
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

 private:
  const std::vector<Token>& tokens_;
  size_t next_ = 0;
};

}  // namespace mon
