#include "frontend.h"

#include <unistd.h>

#include <iostream>

#include "diag/render.h"
#include "support/terminal.h"

namespace mon::cli {

std::unique_ptr<Compilation> compileAndReport(const FrontEndOptions& opts, bool& ok,
                                              const std::function<void(Compilation&)>& more) {
  auto c = std::make_unique<Compilation>();
  CompileOptions co;
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
  compile(files, co, reader, *c);
  if (more && !c->diags.hasErrors()) more(*c);
  if (opts.diagnosticsFormat == "json") {
    std::cerr << renderJson(c->sources, c->diags.all());
  } else {
    std::cerr << renderText(c->sources, c->diags.all(), useColor(STDERR_FILENO));
    std::cerr << renderSummary(c->diags.errorCount(), c->diags.warningCount());
  }
  ok = problems.empty() && !c->diags.hasErrors();
  return c;
}

}  // namespace mon::cli
