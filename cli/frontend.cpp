#include "frontend.h"

#include <unistd.h>

#include <iostream>

#include "diag/render.h"
#include "lint/rules.h"
#include "support/terminal.h"

namespace mon::cli {

void printDiagnostics(const std::string& format, const SourceManager& sm, const std::vector<Diagnostic>& diags,
                      size_t errors, size_t warnings) {
  if (format == "json") {
    std::cerr << renderJson(sm, diags);
  } else if (format == "sarif") {
    std::vector<RuleDescription> rules;
    for (const auto& r : lint::rules()) rules.push_back({r.code, r.name, r.summary, r.reason, r.severity});
    std::cout << renderSarif(sm, diags, rules, kVersion);
  } else if (format == "github") {
    std::cout << renderGithub(sm, diags);
  } else {
    std::cerr << renderText(sm, diags, useColor(STDERR_FILENO));
    std::cerr << renderSummary(errors, warnings);
  }
}

std::unique_ptr<Compilation> compileAndReport(const FrontEndOptions& opts, bool& ok,
                                              const std::function<void(Compilation&)>& more,
                                              const std::function<void(const ir::Target&)>& onTarget,
                                              const StreamedCompile* streamed) {
  auto c = std::make_unique<Compilation>();
  CompileOptions co;
  co.onTarget = onTarget;
  co.releaseSources = !opts.keepSources;  // read from the disk (DiskFileReader below)
  ok = opts.varMap(co.vars);
  if (!ok) return c;
  std::vector<std::string> problems;
  std::vector<std::string> skipped;
  std::vector<std::string> files = expandPaths(opts.paths, problems, &skipped);
  for (const auto& p : problems) std::cerr << "monitorc: error: " << p << "\n";
  for (const auto& d : skipped)
    std::cerr << "monitorc: note: '" << terminalSafe(d) << "' not read: `monitorc pull` wrote it (" << kPulledMarker
              << "); move what you adopt into the source, or name its files to read them\n";
  c->diags.setWarningsAsErrors(opts.werror);
  DiskFileReader reader;
  if (streamed) co.streamMonitors = streamed->streaming;
  compile(files, co, reader, *c);
  if (streamed && c->monitorsStreamed > 0 && !(c->streamHeld && streamed->holds(*c))) {
    streamed->restart();
    c = std::make_unique<Compilation>();
    c->diags.setWarningsAsErrors(opts.werror);
    co.streamMonitors = {};
    compile(files, co, reader, *c);
  }
  if (more && !c->diags.hasErrors()) more(*c);
  printDiagnostics(opts.diagnosticsFormat, c->sources, c->diags.all(), c->diags.errorCount(), c->diags.warningCount());
  ok = problems.empty() && !c->diags.hasErrors();
  return c;
}

}  // namespace mon::cli
