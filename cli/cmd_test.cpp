// `monitorc test`: runs the source's `test` blocks (docs/testing.md) on each system that has an
// evaluator (Backend::runTest): Mackerel with monitorc's model of it, Prometheus with promtool.
// Prints pass/fail per test and system with expected against got, and JUnit XML for CI.
#include <fstream>
#include <iostream>

#include "backend.h"
#include "frontend.h"
#include "ruletest_report.h"

namespace mon::cli {

namespace {

struct TestOptions {
  FrontEndOptions fe;
  std::vector<std::string> systems;
  std::string junit;
};

}  // namespace

Runner setupTest(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc test                                 every test block in this directory\n"
      "  monitorc test --target-system mackerel        only with Mackerel's semantics\n"
      "  monitorc test --junit report.xml              also write JUnit XML for CI\n"
      "Prometheus tests run promtool (Debian's prometheus package); MONITORC_PROMTOOL names another.\n"
      "Exit status: 0 every test passed; 1 a test failed or could not run; 2 errors in the source.\n");
  auto o = std::make_shared<TestOptions>();
  o->fe.add(sub);
  std::vector<std::string> names;
  for (const auto& b : backends())
    if (b.runTest) names.push_back(b.name);
  sub.add_option("--target-system", o->systems, "Run with these systems only (" + quotedListPlain(names) + ")")
      ->delimiter(',')
      ->check(CLI::IsMember(names));
  sub.add_option("--junit", o->junit, "Write the results as JUnit XML to this file");
  return [o]() {
    bool ok = true;
    auto c = compileAndReport(o->fe, ok, [](Compilation& c) { checkBackends(c.module, c.diags); });
    if (!ok || !c) return 2;
    std::vector<TestResult> results = runTests(c->module, c->sources, o->systems);
    printTextReport(results, std::cout);
    if (!o->junit.empty()) {
      std::ofstream out(o->junit, std::ios::binary);
      out << junitReport(results);
      if (!out) {
        std::cerr << "monitorc: error: cannot write '" << o->junit << "'\n";
        return 1;
      }
    }
    for (const auto& r : results)
      if (r.outcome.status == TestOutcome::Status::Fail || r.outcome.status == TestOutcome::Status::Error) return 1;
    return 0;
  };
}

}  // namespace mon::cli
