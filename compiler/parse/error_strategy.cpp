#include "parse/error_strategy.h"

#include "MonParser.h"

namespace mon {

namespace {
using P = MonParser;
bool has(const antlr4::misc::IntervalSet& s, size_t t) { return s.contains(t); }
}  // namespace

Range DiagErrorStrategy::rangeOf(const antlr4::Token* t) const {
  if (!t || t->getTokenIndex() >= tokens_.size()) {
    uint32_t end = tokens_.empty() ? 0 : tokens_.back().begin;
    return Range{file_, end, end};
  }
  const Token& tok = tokens_[t->getTokenIndex()];
  return Range{file_, tok.begin, tok.end};
}

std::string DiagErrorStrategy::describe(const antlr4::Token* t) const {
  if (!t || t->getType() == antlr4::Token::EOF) return "end of file";
  return tokenDescription(static_cast<uint16_t>(t->getType()));
}

// A long list of alternatives reads badly; name the category the parser was in instead.
std::string DiagErrorStrategy::describeSet(const antlr4::misc::IntervalSet& set) const {
  if (has(set, P::KW_LET) && has(set, P::IDENT)) return "a field, a block or a statement";
  if (has(set, P::NUMBER) && has(set, P::STR_OPEN)) return "a value";
  if (has(set, P::ASSIGN) && has(set, P::LBRACE)) return "'=' (a field) or '{' (a block)";
  std::vector<std::string> names;
  for (const auto& iv : set.getIntervals())
    for (ssize_t t = iv.a; t <= iv.b; ++t)
      names.push_back(t == static_cast<ssize_t>(antlr4::Token::EOF) ? "end of file" : tokenDescription(static_cast<uint16_t>(t)));
  if (names.empty()) return "something else";
  std::string out = names.size() > 1 ? "one of " : "";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

void DiagErrorStrategy::expected(antlr4::Parser*, const antlr4::Token* at, const antlr4::misc::IntervalSet& set) {
  diags_.report(rangeOf(at), diag::err_expected, {describeSet(set), describe(at)});
}

// In a statement, a name is followed by '=' (a field) or labels and '{' (a block). ANTLR's
// default sync would delete a stray token there and read the names that follow as block labels,
// reporting every later line of the block again. Without it the statement fails at the stray
// token and recovery resumes at the next statement, as it does for any other bad statement.
void DiagErrorStrategy::sync(antlr4::Parser* recognizer) {
  antlr4::ParserRuleContext* ctx = recognizer->getContext();
  if (ctx && ctx->getRuleIndex() == P::RuleStmt) {
    if (ctx->getStart() == recognizer->getCurrentToken())
      recoveringStmtStart_ = inErrorRecoveryMode(recognizer) ? ctx->getStart()->getTokenIndex() : size_t(-1);
    return;
  }
  antlr4::DefaultErrorStrategy::sync(recognizer);
}

// A name read while recovering from an error, followed by neither '=' nor a block, is a piece
// of the broken construct (`(m!k != y)` leaves `k != y`), not a statement of its own.
bool DiagErrorStrategy::consequential(antlr4::Parser* recognizer, const antlr4::Token* at) const {
  antlr4::ParserRuleContext* ctx = recognizer->getContext();
  return ctx && ctx->getRuleIndex() == P::RuleStmt && ctx->getStart() && at &&
         ctx->getStart()->getTokenIndex() == recoveringStmtStart_ &&
         at->getTokenIndex() == recoveringStmtStart_ + 1;
}

void DiagErrorStrategy::reportNoViableAlternative(antlr4::Parser* recognizer, const antlr4::NoViableAltException& e) {
  if (consequential(recognizer, e.getOffendingToken())) return;
  expected(recognizer, e.getOffendingToken(), e.getExpectedTokens());
}

void DiagErrorStrategy::reportInputMismatch(antlr4::Parser* recognizer, const antlr4::InputMismatchException& e) {
  expected(recognizer, e.getOffendingToken(), e.getExpectedTokens());
}

void DiagErrorStrategy::reportFailedPredicate(antlr4::Parser* recognizer, const antlr4::FailedPredicateException& e) {
  diags_.report(rangeOf(e.getOffendingToken()), diag::err_unexpected_token, {describe(e.getOffendingToken())});
  (void)recognizer;
}

void DiagErrorStrategy::reportUnwantedToken(antlr4::Parser* recognizer) {
  if (inErrorRecoveryMode(recognizer)) return;
  beginErrorCondition(recognizer);
  antlr4::Token* t = recognizer->getCurrentToken();
  diags_.report(rangeOf(t), diag::err_expected, {describeSet(getExpectedTokens(recognizer)), describe(t)});
}

void DiagErrorStrategy::reportMissingToken(antlr4::Parser* recognizer) {
  if (inErrorRecoveryMode(recognizer)) return;
  beginErrorCondition(recognizer);
  antlr4::Token* t = recognizer->getCurrentToken();
  // Point just after the previous token: that is where the missing one belongs.
  Range r = rangeOf(t);
  if (t && t->getTokenIndex() > 0 && t->getTokenIndex() <= tokens_.size()) {
    const Token& prev = tokens_[t->getTokenIndex() - 1];
    r = Range{file_, prev.end, prev.end};
  }
  diags_.report(r, diag::err_missing_close, {describeSet(getExpectedTokens(recognizer))});
}

}  // namespace mon
