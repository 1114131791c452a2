#include "prometheus/promtool_run.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "prometheus/promql.h"
#include "prometheus/rules.h"

namespace mon::prometheus {

namespace {

constexpr const char* kGroup = "monitorc-test";

int severityRank(const std::string& s) { return s == "critical" ? 2 : s == "warning" ? 1 : 0; }

std::string labelOf(const Rule& r, const std::string& name) {
  for (const auto& [k, v] : r.labels)
    if (k == name) return v;
  return "";
}

// Whether an object with these `targets` goes to Prometheus: no targets, or a prometheus one.
bool forPrometheus(const ir::Module& module, const std::vector<std::string>& targets) {
  if (targets.empty()) return true;
  for (const auto& name : targets)
    for (const auto& t : module.targets)
      if (t.name == name && t.kind == "prometheus") return true;
  return false;
}

// The rules of the module as build() writes them for a prometheus target that takes every
// object meant for Prometheus.
std::vector<Rule> allRules(const ir::Module& module, std::vector<std::pair<const ir::Monitor*, std::vector<Rule>>>& byMonitor) {
  std::vector<Rule> out;
  for (const auto& r : module.rules)
    if (forPrometheus(module, r.targets)) out.push_back(nativeRule(r));
  for (const auto& m : module.monitors) {
    if (!forPrometheus(module, m.targets)) continue;
    promql::Translation t = promql::translate(m);
    auto rules = rulesFor(m, t);
    byMonitor.emplace_back(&m, rules);
    out.insert(out.end(), rules.begin(), rules.end());
  }
  return out;
}

// `lead` starts the key's line ("- " for a list item's first key); the entries sit two deeper
// than the key, at `indent` + 2.
void writeMap(std::string& out, const std::string& indent, const char* lead, const char* key,
              const std::map<std::string, std::string>& m) {
  out += indent.substr(0, indent.size() - std::string(lead).size()) + lead + key + ":";
  if (m.empty()) {
    out += " {}\n";
    return;
  }
  out += "\n";
  for (const auto& [k, v] : m) out += indent + "  " + yamlQuote(k) + ": " + yamlQuote(v) + "\n";
}

std::string seriesName(const ir::TestInput& in) {
  std::string s = in.name;
  if (in.labels.empty()) return s;
  s += "{";
  bool first = true;
  for (const auto& [k, v] : in.labels) {
    s += (first ? "" : ", ") + k + "=" + promql::quote(v);
    first = false;
  }
  return s + "}";
}

// One expected alert: labels and annotations as Prometheus renders them.
struct Expected {
  std::map<std::string, std::string> labels, annotations;
};

// A monitor's rules at `severity`: the rule of that severity and every rule of a lower one (the
// value is past a critical threshold, so past the warning one too when thresholds are in order).
std::vector<Expected> expectedOfMonitor(const std::vector<Rule>& rules, const std::string& alertname, const ir::TestExpect& e) {
  std::vector<Expected> out;
  for (const auto& r : rules) {
    if (r.alert != alertname) continue;
    int rank = severityRank(labelOf(r, "severity"));
    if (rank == 0 || rank > severityRank(e.severity)) continue;
    Expected x;
    for (const auto& [k, v] : r.labels) x.labels[k] = unescapeTemplate(v);
    for (const auto& [k, v] : e.labels) x.labels[k] = v;
    if (e.annotationsGiven) x.annotations = e.annotations;
    else
      for (const auto& [k, v] : r.annotations) x.annotations[k] = unescapeTemplate(v);
    out.push_back(std::move(x));
  }
  return out;
}

// An alert block's alert: its labels (the expectation's win, templates included) and, when the
// rule labels severity, the expected severity.
Expected expectedOfAlert(const Rule& r, const ir::TestExpect& e) {
  Expected x;
  for (const auto& [k, v] : r.labels) x.labels[k] = v;
  if (x.labels.count("severity")) x.labels["severity"] = e.severity;
  for (const auto& [k, v] : e.labels) x.labels[k] = v;
  if (e.annotationsGiven) x.annotations = e.annotations;
  else
    for (const auto& [k, v] : r.annotations) x.annotations[k] = v;
  return x;
}

long long parseGoDuration(const std::string& s) {
  long long total = 0, n = 0;
  bool digits = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      digits = true;
      continue;
    }
    if (!digits) return -1;
    if (c == 'm' && i + 1 < s.size() && s[i + 1] == 's') {
      ++i;  // milliseconds: below a test's resolution
    } else {
      long long unit = c == 'y' ? 365 * 86400 : c == 'w' ? 7 * 86400 : c == 'd' ? 86400 : c == 'h' ? 3600 : c == 'm' ? 60 : c == 's' ? 1 : -1;
      if (unit < 0) return -1;
      total += n * unit;
    }
    n = 0;
    digits = false;
  }
  return digits ? -1 : total;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n,");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string showTime(long long s) { return promql::duration(s); }

}  // namespace

RuleTestFiles ruleTestFiles(const ir::Module& module, const ir::Test& test) {
  RuleTestFiles f;
  std::vector<std::pair<const ir::Monitor*, std::vector<Rule>>> byMonitor;
  Group g{kGroup, allRules(module, byMonitor), "", 0, ""};
  f.rules = ruleFile({g});

  // Expectations grouped by (time, alertname): promtool compares every alert of that name then.
  std::vector<std::vector<Expected>> expected;
  for (const auto& e : test.expects) {
    std::vector<Expected> alerts;
    auto mon = std::find_if(byMonitor.begin(), byMonitor.end(), [&](const auto& p) { return p.first->name == e.monitor; });
    if (mon != byMonitor.end()) {
      if (mon->second.empty()) {
        f.skipped.push_back("'" + e.monitor + "': " + promql::translate(*mon->first).whyNot);
        continue;
      }
      alerts = expectedOfMonitor(mon->second, e.monitor, e);
    } else {
      auto r = std::find_if(module.rules.begin(), module.rules.end(), [&](const ir::Rule& x) { return x.isAlert() && x.name == e.monitor; });
      if (r == module.rules.end()) {  // a monitor no prometheus target takes
        if (std::any_of(module.monitors.begin(), module.monitors.end(), [&](const ir::Monitor& m) { return m.name == e.monitor; }))
          f.skipped.push_back("'" + e.monitor + "' goes to no prometheus target");
        continue;
      }
      if (e.severity != "ok") alerts.push_back(expectedOfAlert(nativeRule(*r), e));
    }
    auto c = std::find_if(f.cases.begin(), f.cases.end(),
                          [&](const RuleTestFiles::Case& x) { return x.atSeconds == e.atSeconds && x.alertname == e.monitor; });
    if (c == f.cases.end()) {
      f.cases.push_back({e.atSeconds, e.monitor, {}});
      expected.emplace_back();
      c = f.cases.end() - 1;
    }
    c->expects.push_back(&e);
    auto& list = expected[static_cast<size_t>(c - f.cases.begin())];
    list.insert(list.end(), alerts.begin(), alerts.end());
  }

  std::string& t = f.tests;
  t += "# Written by monitorc test for the test " + yamlQuote(test.name) + "\n";
  t += "rule_files:\n  - \"rules.yml\"\n";
  t += "evaluation_interval: " + yamlQuote(promql::duration(test.intervalSeconds)) + "\n";
  t += "tests:\n";
  t += "  - name: " + yamlQuote(test.name) + "\n";
  t += "    interval: " + yamlQuote(promql::duration(test.intervalSeconds)) + "\n";
  t += "    input_series:\n";
  for (const auto& in : test.inputs)
    t += "      - series: " + yamlQuote(seriesName(in)) + "\n        values: " + yamlQuote(in.values) + "\n";
  t += "    alert_rule_test:";
  if (f.cases.empty()) t += " []";
  t += "\n";
  for (size_t i = 0; i < f.cases.size(); ++i) {
    t += "      - eval_time: " + yamlQuote(promql::duration(f.cases[i].atSeconds)) + "\n";
    t += "        alertname: " + yamlQuote(f.cases[i].alertname) + "\n";
    t += "        exp_alerts:";
    if (expected[i].empty()) t += " []";
    t += "\n";
    for (const auto& x : expected[i]) {
      writeMap(t, "            ", "- ", "exp_labels", x.labels);
      writeMap(t, "            ", "", "exp_annotations", x.annotations);
    }
  }
  return f;
}

std::vector<PromtoolFailure> parsePromtoolReport(const std::string& output) {
  std::vector<PromtoolFailure> out;
  size_t pos = 0;
  PromtoolFailure* current = nullptr;
  while (pos < output.size()) {
    size_t nl = output.find('\n', pos);
    std::string line = output.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? output.size() : nl + 1;
    std::string t = trim(line);
    // "alertname: High, time: 1m," starts a failed case.
    if (t.rfind("alertname: ", 0) == 0) {
      PromtoolFailure f;
      size_t comma = t.find(", time: ");
      f.alertname = t.substr(11, comma == std::string::npos ? std::string::npos : comma - 11);
      if (comma != std::string::npos) f.atSeconds = parseGoDuration(trim(t.substr(comma + 8)));
      out.push_back(std::move(f));
      current = &out.back();
      continue;
    }
    if (t.rfind("name: ", 0) == 0 || t == "FAILED:" || t.rfind("Unit Testing:", 0) == 0) {
      current = nullptr;
      continue;
    }
    if (current && !t.empty()) current->detail += line + "\n";
  }
  return out;
}

std::string promtoolCommand() {
  const char* env = std::getenv("MONITORC_PROMTOOL");
  return env && *env ? env : "promtool";
}

namespace {

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A fresh directory under the system's temporary one; removed by the destructor.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    for (int i = 0; i < 100 && path.empty(); ++i) {
      auto p = std::filesystem::temp_directory_path() / ("monitorc-test-" + std::to_string(rd()));
      std::error_code ec;
      if (std::filesystem::create_directory(p, ec)) path = p;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

bool writeFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

TestOutcome runTest(const ir::Module& module, const ir::Test& test) {
  TestOutcome result;
  RuleTestFiles files = ruleTestFiles(module, test);
  for (const auto& s : files.skipped) result.note += (result.note.empty() ? "not evaluated: " : "; ") + s;
  if (files.cases.empty()) {
    result.status = TestOutcome::Status::Skip;
    return result;
  }
  TempDir dir;
  if (dir.path.empty() || !writeFile(dir.path / "rules.yml", files.rules) || !writeFile(dir.path / "tests.yml", files.tests)) {
    result.status = TestOutcome::Status::Error;
    result.note = "cannot write promtool's files in " + std::filesystem::temp_directory_path().string();
    return result;
  }
  std::string cmd = shellQuote(promtoolCommand()) + " test rules " + shellQuote((dir.path / "tests.yml").string()) + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    result.status = TestOutcome::Status::Error;
    result.note = "cannot run " + promtoolCommand();
    return result;
  }
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int status = pclose(pipe);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  for (const auto& c : files.cases) result.checked += static_cast<int>(c.expects.size());
  if (code == 0) return result;
  auto failures = parsePromtoolReport(output);
  for (const auto& f : failures) {
    auto c = std::find_if(files.cases.begin(), files.cases.end(), [&](const RuleTestFiles::Case& x) {
      return x.alertname == f.alertname && x.atSeconds == f.atSeconds;
    });
    if (c == files.cases.end()) continue;
    std::string exp, got;
    size_t g = f.detail.find("got:");
    exp = trim(f.detail.substr(0, g));
    if (g != std::string::npos) got = trim(f.detail.substr(g + 4));
    if (exp.rfind("exp:", 0) == 0) exp = trim(exp.substr(4));
    result.failures.push_back(TestFailure{c->expects.front()->range, "'" + f.alertname + "' at " + showTime(c->atSeconds), exp, got});
  }
  if (result.failures.empty()) {
    // promtool failed without a case it could be matched with: a rule it rejects, or no promtool.
    result.status = TestOutcome::Status::Error;
    result.note = code == 127 ? promtoolCommand() + " not found (install Debian's prometheus package or set MONITORC_PROMTOOL)"
                              : "promtool failed:\n" + output;
    return result;
  }
  result.status = TestOutcome::Status::Fail;
  return result;
}

}  // namespace mon::prometheus
