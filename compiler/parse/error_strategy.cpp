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

void DiagErrorStrategy::reportNoViableAlternative(antlr4::Parser* recognizer, const antlr4::NoViableAltException& e) {
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
