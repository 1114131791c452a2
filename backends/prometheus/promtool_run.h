#pragma once
// `monitorc test` on Prometheus: a test block as a `promtool test rules` file beside the rule
// file that build() would write for the module's rules, and promtool's report read back.
#include <string>
#include <vector>

#include "backend.h"

namespace mon::prometheus {

/// The two files promtool reads, and which expect blocks each (eval_time, alertname) stands for.
struct RuleTestFiles {
  std::string rules;  // a rule file: every alert and record block, then every monitor's rules
  std::string tests;  // reads "rules.yml" beside it
  struct Case {
    long long atSeconds;
    std::string alertname;
    std::vector<const ir::TestExpect*> expects;
  };
  std::vector<Case> cases;
  std::vector<std::string> skipped;  // expectations of monitors Prometheus cannot express, and why
};

RuleTestFiles ruleTestFiles(const ir::Module& module, const ir::Test& test);

/// One failed case in promtool's report: its alertname, eval time and the exp/got lines.
struct PromtoolFailure {
  std::string alertname;
  long long atSeconds = -1;
  std::string detail;
};
/// Reads promtool's "FAILED:" report; cases it cannot place get atSeconds -1.
std::vector<PromtoolFailure> parsePromtoolReport(const std::string& output);

/// The promtool to run: $MONITORC_PROMTOOL, else `promtool` on the PATH.
std::string promtoolCommand();

/// Backend::runTest.
TestOutcome runTest(const ir::Module& module, const ir::Test& test);

}  // namespace mon::prometheus
