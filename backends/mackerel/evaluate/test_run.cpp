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

// What the states say in a report: "critical", or "web-1: critical, web-2: ok" with subjects.
std::string showStates(const std::map<std::string, evaluate::Level>& states) {
  if (states.empty()) return "ok (no data for this monitor)";
  if (states.size() == 1 && states.begin()->first.empty()) return evaluate::levelName(states.begin()->second);
  std::string out;
  for (const auto& [subject, level] : states)
    out += (out.empty() ? "" : ", ") + (subject.empty() ? "-" : subject) + ": " + evaluate::levelName(level);
  return out;
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
    std::map<std::string, evaluate::Level> states;
    std::string why;
    if (!evaluate::levelsAt(*m, inputs, e.atSeconds, states, why)) {
      skipped.push_back("'" + e.monitor + "': " + why);
      continue;
    }
    ++result.checked;
    evaluate::Level got = evaluate::Level::Ok;
    auto host = e.labels.find("host");
    if (host != e.labels.end()) {
      auto it = states.find(host->second);
      if (it != states.end()) got = it->second;
    } else {
      for (const auto& [subject, level] : states) got = std::max(got, level);
    }
    if (e.severity == evaluate::levelName(got)) continue;
    std::string what = "'" + e.monitor + "' at " + showTime(e.atSeconds);
    if (host != e.labels.end()) what += " on host '" + host->second + "'";
    result.failures.push_back(TestFailure{e.range, what, e.severity, showStates(states)});
  }
  if (!result.failures.empty()) result.status = TestOutcome::Status::Fail;
  else if (result.checked == 0) result.status = TestOutcome::Status::Skip;
  for (const auto& s : skipped) result.note += (result.note.empty() ? "not evaluated: " : "; ") + s;
  return result;
}

}  // namespace mon::mackerel
