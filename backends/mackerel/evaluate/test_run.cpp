// `monitorc test` on Mackerel: each expectation is compared with the state monitorc's model of
// Mackerel (evaluate.h) gives the monitor at that time.
#include <algorithm>

#include "mackerel/evaluate/evaluate.h"
#include "mackerel/mackerel.h"

namespace mon::mackerel {

namespace {

std::string showTime(long long s) {
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
}

// An alert in a report: "critical" or, with its text, critical "loadavg5 12.00 > 8.00".
std::string showAlert(const evaluate::Alert& a, bool withText) {
  std::string out = evaluate::levelName(a.level);
  if (withText && a.level != evaluate::Level::Ok && a.hasText) out += " \"" + a.text + "\"";
  return out;
}

// What the states say in a report: "critical", or "web-1: critical, web-2: ok" with subjects.
std::string showStates(const std::map<std::string, evaluate::Alert>& states, bool withText) {
  if (states.empty()) return "ok (no data for this monitor)";
  if (states.size() == 1 && states.begin()->first.empty()) return showAlert(states.begin()->second, withText);
  std::string out;
  for (const auto& [subject, alert] : states)
    out += (out.empty() ? "" : ", ") + (subject.empty() ? "-" : subject) + ": " + showAlert(alert, withText);
  return out;
}

std::string showExpected(const ir::TestExpect& e) {
  return e.messageGiven ? e.severity + " \"" + e.message + "\"" : e.severity;
}

}  // namespace

TestOutcome runTest(const ir::Module& module, const ir::Test& test) {
  TestOutcome result;
  std::vector<evaluate::Series> inputs;
  for (const auto& in : test.inputs) inputs.push_back(evaluate::fromInput(in, test.intervalSeconds));
  std::vector<std::string> skipped;
  for (const auto& e : test.expects) {
    auto m = std::find_if(module.monitors.begin(), module.monitors.end(),
                          [&](const ir::Monitor& x) { return x.name == e.monitor; });
    if (m == module.monitors.end()) {  // an alert block: Prometheus only
      skipped.push_back("'" + e.monitor + "' is a Prometheus alert block");
      continue;
    }
    std::map<std::string, evaluate::Alert> states;
    std::string why;
    if (!evaluate::alertsAt(*m, inputs, e.atSeconds, states, why)) {
      skipped.push_back("'" + e.monitor + "': " + why);
      continue;
    }
    ++result.checked;
    // The subject looked at: the host named, or the worst (the first of the worst level).
    evaluate::Alert got;
    auto host = e.labels.find("host");
    if (host != e.labels.end()) {
      auto it = states.find(host->second);
      if (it != states.end()) got = it->second;
    } else {
      for (const auto& [subject, alert] : states)
        if (alert.level > got.level) got = alert;
    }
    std::string what = "'" + e.monitor + "' at " + showTime(e.atSeconds);
    if (host != e.labels.end()) what += " on host '" + host->second + "'";
    if (e.severity != evaluate::levelName(got.level)) {
      result.failures.push_back(TestFailure{e.range, what, showExpected(e), showStates(states, e.messageGiven)});
      continue;
    }
    if (!e.messageGiven) continue;
    if (!got.hasText)
      result.failures.push_back(TestFailure{e.messageRange, what + ": message", "\"" + e.message + "\"",
                                            std::string("no text: Mackerel's ") + ir::kindName(m->kind) +
                                                " alerts carry neither a message nor a value"});
    else if (got.text != e.message)
      result.failures.push_back(TestFailure{e.messageRange, what + ": message", "\"" + e.message + "\"", "\"" + got.text + "\""});
  }
  if (!result.failures.empty()) result.status = TestOutcome::Status::Fail;
  else if (result.checked == 0) result.status = TestOutcome::Status::Skip;
  for (const auto& s : skipped) result.note += (result.note.empty() ? "not evaluated: " : "; ") + s;
  return result;
}

}  // namespace mon::mackerel
