// `monitorc lint`: every check of `monitorc check`, then the lint rules (compiler/lint/, listed
// in docs/lint.md) over the IR, in one report.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "backend.h"
#include "frontend.h"
#include "lint/lint.h"
#include "lint/rules.h"

namespace mon::cli {

namespace {

struct LintOptions {
  FrontEndOptions fe;
  std::string config;
  std::vector<std::string> only;
  bool listRules = false;
};

const char* severityWord(Severity s) { return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note"; }

int listRules() {
  for (const auto& r : lint::rules())
    std::cout << r.code << "  " << r.name << " (" << severityWord(r.severity) << "): " << r.summary << "\n";
  return 0;
}

// The configuration file: --config, else .monitorc-lint in the current directory if there is
// one. It joins the sources, so its mistakes are reported at their line like any other.
bool loadConfig(const LintOptions& o, Compilation& c, lint::Config& cfg, FileId& file) {
  std::string path = o.config;
  if (path.empty()) {
    if (!std::filesystem::exists(".monitorc-lint")) return true;
    path = ".monitorc-lint";
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "monitorc: error: cannot read lint configuration '" << path << "'\n";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  file = c.sources.add(path, text.str());
  cfg = lint::parseConfig(file, c.sources, c.diags);
  return true;
}

// --only: every rule not named is off, whatever the configuration says.
bool restrictTo(const std::vector<std::string>& only, lint::Config& cfg) {
  if (only.empty()) return true;
  std::set<std::string> keep;
  for (const auto& name : only) {
    const lint::Rule* r = lint::findRule(name);
    if (!r) {
      std::string close = lint::closestRule(name);
      std::cerr << "monitorc: error: unknown lint rule '" << name << "'"
                << (close.empty() ? "" : ", did you mean '" + close + "'?") << "\n";
      return false;
    }
    keep.insert(r->code);
  }
  for (const auto& r : lint::rules())
    if (!keep.count(r.code)) cfg.severity[r.code] = std::nullopt;
  return true;
}

}  // namespace

Runner setupLint(CLI::App& sub) {
  sub.footer(
      "Examples:\n"
      "  monitorc lint                               the source in this directory\n"
      "  monitorc lint --format github               annotations in GitHub Actions (stdout)\n"
      "  monitorc lint --format sarif > lint.sarif   for code scanning (stdout)\n"
      "  monitorc lint --list-rules                  the rules, their codes and severities\n"
      "Configuration: .monitorc-lint in the current directory (or --config FILE), lines of\n"
      "'MON004 = off|note|warning|error'. Suppress one finding on one object with a comment\n"
      "above it: # monitorc-lint: ignore MON004 -- the reason.\n"
      "Exit status: 0 no errors (warnings allowed, unless --werror); 1 errors.\n");
  auto o = std::make_shared<LintOptions>();
  o->fe.add(sub, true, true);
  o->fe.keepSources = true;  // the rules and the suppression comments read every file's text
  sub.add_option("--config", o->config, "Lint configuration file (default: ./.monitorc-lint when present)");
  sub.add_option("--only", o->only, "Run only these rules (codes or names, comma-separated)")->delimiter(',');
  sub.add_flag("--list-rules", o->listRules, "Print the rules and exit");
  return [o]() {
    if (o->listRules) return listRules();
    bool ok = true, configOk = true;
    compileAndReport(o->fe, ok, [&](Compilation& c) {
      checkBackends(c.module, c.diags);
      lint::Config cfg;
      FileId file = kNoFile;
      configOk = loadConfig(*o, c, cfg, file) && restrictTo(o->only, cfg);
      if (configOk && !c.diags.hasErrors()) lint::lint(c.module, c.sources, cfg, file, c.diags);
    });
    return ok && configOk ? 0 : 1;
  };
}

}  // namespace mon::cli
