#include "ruletest_report.h"

#include <algorithm>

namespace mon::cli {

namespace {

std::string where(const SourceManager& sm, Range r) {
  if (!r.valid()) return "";
  LineCol lc = sm.lineCol(r.file, r.begin);
  return sm.path(r.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

const char* statusWord(TestOutcome::Status s) {
  switch (s) {
    case TestOutcome::Status::Pass: return "PASS";
    case TestOutcome::Status::Fail: return "FAIL";
    case TestOutcome::Status::Skip: return "SKIP";
    case TestOutcome::Status::Error: return "ERROR";
  }
  return "ERROR";
}

std::string xmlEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': case '\t': case '\r': out += static_cast<char>(c); break;
      default:
        if (c < 0x20) out += ' ';  // not allowed in XML 1.0
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    out += pad + text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos) + "\n";
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

std::string failureText(const TestResult& r) {
  std::string out;
  for (size_t i = 0; i < r.outcome.failures.size(); ++i) {
    const auto& f = r.outcome.failures[i];
    out += r.failureWhere[i] + ": " + f.what + "\n";
    out += indent(f.expected, "  expected: ");
    out += indent(f.got.empty() ? "(nothing)" : f.got, "  got:      ");
  }
  if (!r.outcome.note.empty()) out += r.outcome.note + "\n";
  return out;
}

}  // namespace

std::string quotedListPlain(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<TestResult> runTests(const ir::Module& module, const SourceManager& sm, const std::vector<std::string>& only) {
  std::vector<TestResult> out;
  for (const auto& t : module.tests)
    for (const auto& b : backends()) {
      if (!b.runTest) continue;
      if (!t.systems.empty() && std::find(t.systems.begin(), t.systems.end(), b.name) == t.systems.end()) continue;
      if (!only.empty() && std::find(only.begin(), only.end(), b.name) == only.end()) continue;
      TestResult r{t.name, b.name, where(sm, t.nameRange), b.runTest(module, t), {}};
      for (const auto& f : r.outcome.failures) r.failureWhere.push_back(where(sm, f.at));
      out.push_back(std::move(r));
    }
  return out;
}

void printTextReport(const std::vector<TestResult>& results, std::ostream& out) {
  int counts[4] = {0, 0, 0, 0};
  for (const auto& r : results) {
    ++counts[static_cast<int>(r.outcome.status)];
    out << statusWord(r.outcome.status) << "  " << r.system << "  " << r.test << "  (" << r.where << ")\n";
    if (r.outcome.status != TestOutcome::Status::Pass || !r.outcome.note.empty()) out << indent(failureText(r), "    ");
  }
  out << counts[0] << " passed, " << counts[1] << " failed";
  if (counts[3]) out << ", " << counts[3] << " errors";
  if (counts[2]) out << ", " << counts[2] << " skipped";
  out << "\n";
}

std::string junitReport(const std::vector<TestResult>& results) {
  // One testsuite per system, one testcase per test block: what CI test reporters group by.
  std::vector<std::string> systems;
  for (const auto& r : results)
    if (std::find(systems.begin(), systems.end(), r.system) == systems.end()) systems.push_back(r.system);
  int total = 0, failures = 0, errors = 0, skipped = 0;
  std::string suites;
  for (const auto& s : systems) {
    int t = 0, f = 0, e = 0, k = 0;
    std::string cases;
    for (const auto& r : results) {
      if (r.system != s) continue;
      ++t;
      cases += "    <testcase name=\"" + xmlEscape(r.test) + "\" classname=\"monitorc." + xmlEscape(s) + "\" file=\"" +
               xmlEscape(r.where.substr(0, r.where.find(':'))) + "\">\n";
      switch (r.outcome.status) {
        case TestOutcome::Status::Pass: break;
        case TestOutcome::Status::Fail:
          ++f;
          cases += "      <failure message=\"" + xmlEscape(std::to_string(r.outcome.failures.size()) + " expectation(s) failed at " + r.where) +
                   "\">" + xmlEscape(failureText(r)) + "</failure>\n";
          break;
        case TestOutcome::Status::Error:
          ++e;
          cases += "      <error message=\"" + xmlEscape(r.outcome.note.substr(0, r.outcome.note.find('\n'))) + "\">" +
                   xmlEscape(r.outcome.note) + "</error>\n";
          break;
        case TestOutcome::Status::Skip:
          ++k;
          cases += "      <skipped message=\"" + xmlEscape(r.outcome.note) + "\"/>\n";
          break;
      }
      cases += "    </testcase>\n";
    }
    suites += "  <testsuite name=\"" + xmlEscape(s) + "\" tests=\"" + std::to_string(t) + "\" failures=\"" + std::to_string(f) +
              "\" errors=\"" + std::to_string(e) + "\" skipped=\"" + std::to_string(k) + "\">\n" + cases + "  </testsuite>\n";
    total += t;
    failures += f;
    errors += e;
    skipped += k;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"monitorc test\" tests=\"" + std::to_string(total) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" +
         std::to_string(skipped) + "\">\n" + suites + "</testsuites>\n";
}

}  // namespace mon::cli
