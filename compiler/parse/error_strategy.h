#pragma once
// Turns ANTLR's syntax errors into catalog diagnostics ("expected '=', found '{'") while
// keeping its recovery, which already mutes follow-on errors until a token matches again.
#include <antlr4-runtime.h>

#include "diag/diag_engine.h"
#include "parse/lexer.h"

namespace mon {

class DiagErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  DiagErrorStrategy(FileId file, const std::vector<Token>& tokens, DiagEngine& diags)
      : file_(file), tokens_(tokens), diags_(diags) {}

 public:
  void sync(antlr4::Parser* recognizer) override;

 protected:
  void reportNoViableAlternative(antlr4::Parser* recognizer, const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* recognizer, const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* recognizer, const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* recognizer) override;
  void reportMissingToken(antlr4::Parser* recognizer) override;

 private:
  void expected(antlr4::Parser* recognizer, const antlr4::Token* at, const antlr4::misc::IntervalSet& set);
  bool consequential(antlr4::Parser* recognizer, const antlr4::Token* at) const;
  Range rangeOf(const antlr4::Token* t) const;
  std::string describe(const antlr4::Token* t) const;
  std::string describeSet(const antlr4::misc::IntervalSet& set) const;

  // The first token of the statement being parsed when it began during error recovery.
  size_t recoveringStmtStart_ = size_t(-1);
  FileId file_;
  const std::vector<Token>& tokens_;
  DiagEngine& diags_;
};

}  // namespace mon
