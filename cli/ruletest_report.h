#pragma once
// `monitorc test`: running each test block on each system, and the reports (text, JUnit XML).
#include <ostream>
#include <string>
#include <vector>

#include "backend.h"

namespace mon::cli {

/// One test block on one system.
struct TestResult {
  std::string test;
  std::string system;
  std::string where;  // file:line:col of the test block
  TestOutcome outcome;
  std::vector<std::string> failureWhere;  // file:line:col of each failure's expect block
};

/// "mackerel", "prometheus" as a plain list for help text.
std::string quotedListPlain(const std::vector<std::string>& names);

/// Every test on every system it names (all systems with an evaluator when it names none),
/// restricted to `only` when not empty; in source order, then registry order.
std::vector<TestResult> runTests(const ir::Module& module, const SourceManager& sm, const std::vector<std::string>& only);

void printTextReport(const std::vector<TestResult>& results, std::ostream& out);
std::string junitReport(const std::vector<TestResult>& results);

}  // namespace mon::cli
