#pragma once
// A light reading of PromQL for the lint rules: which counters are used without rate(), and
// the range windows of rate-like functions. It follows strings, comments, label matchers and
// grouping clauses; it does not parse (promtool checks the syntax).
#include <string>
#include <vector>

namespace mon::lint {

/// Counters (metric names ending in _total) read outside rate(), irate(), increase() and the
/// other functions that make sense of a counter, in order of appearance, each once.
std::vector<std::string> rawCounters(const std::string& expr);

/// A range window of a rate-like function: rate(x[5m]) -> {"rate", "5m", 300}.
struct Window {
  std::string function;
  std::string text;
  double seconds = 0;
};
std::vector<Window> rateWindows(const std::string& expr);

}  // namespace mon::lint
