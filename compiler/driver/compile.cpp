#include "driver/compile.h"

#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "lower/lower.h"
#include "support/memory.h"

namespace mon {

namespace {

// MONITORC_TIMING=1 prints how long each stage took and the memory in use after it (for bench/
// and for finding regressions).
class StageTimer {
 public:
  StageTimer() : on_(std::getenv("MONITORC_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void lap(const char* stage) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "timing: %-12s %7.1f ms  RSS %6.1f MB, peak %6.1f MB\n", stage,
                 std::chrono::duration<double, std::milli>(now - last_).count(), statusMB("VmRSS:"),
                 statusMB("VmHWM:"));
    last_ = std::chrono::steady_clock::now();  // reading /proc is not the next stage's time
  }

 private:
  // A line of /proc/self/status in MB (the allocator's own statistics depend on which one is linked).
  static double statusMB(const std::string& key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
      if (line.compare(0, key.size(), key) == 0) return std::atof(line.c_str() + key.size()) / 1024.0;
    return 0;
  }

  bool on_;
  std::chrono::steady_clock::time_point last_;
};

// Parse ahead of the file being expanded by at most this many named files: more would only
// hold more trees, as expanding and lowering a file takes about as long as parsing one.
constexpr size_t kParseAhead = 1;

// Whether the text may declare or read a variable: it holds the word `var` or `variable`
// (anywhere, comments and strings included: a false alarm only costs memory).
bool mentionsVariables(const std::string& text) {
  auto wordChar = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  for (size_t at = text.find("var"); at != std::string::npos; at = text.find("var", at + 3)) {
    if (at > 0 && wordChar(text[at - 1])) continue;
    size_t end = at + 3;
    if (text.compare(end, 5, "iable") == 0) end += 5;
    if (end >= text.size() || !wordChar(text[end])) return true;
  }
  return false;
}

// Records diagnostics reported to another engine in `to` as report() would have recorded them
// there: dropped past the error limit, which is then said once (load() then expand() report
// them after the parse's, which the loading reports to an engine of its own meanwhile).
void replay(DiagEngine& to, const std::vector<Diagnostic>& reported) {
  for (size_t i = 0; i < reported.size(); ++i) {
    if (reported[i].kind == diag::err_too_many_errors) continue;  // the other engine's limit
    if (to.limitReached()) return;
    to.append(reported[i]);
    if (!to.limitReached()) continue;
    // The other engine stopped at the same diagnostic: its notice has the notes added since.
    if (i + 1 < reported.size() && reported[i + 1].kind == diag::err_too_many_errors)
      to.mutableAll().push_back(reported[i + 1]);
    else
      to.mutableAll().push_back(Diagnostic{diag::err_too_many_errors, Severity::Error, Range{},
                                           formatMessage(formatOf(diag::err_too_many_errors), {}), {}, {}, ""});
    return;
  }
}

}  // namespace

void compile(const std::vector<std::string>& paths, const CompileOptions& opts, FileReader& reader, Compilation& c) {
  StageTimer timer;
  c.diags.setErrorLimit(1000);
  ExpandOptions eo{opts.vars};
  if (opts.keepSyntax) {
    c.program = load(paths, c.sources, c.diags, reader);
    timer.lap("parse");
    Expanded expanded = expand(c.program, c.sources, eo, c.diags);
    timer.lap("expand");
    c.module = lower(std::move(expanded.objects), c.diags);
    if (opts.onTarget)
      for (const auto& t : c.module.targets) opts.onTarget(t);
    timer.lap("lower");
  } else {
    // Each file is expanded and lowered as soon as it is loaded (imports as expansion reaches
    // them), its tree freed statement by statement, while the next named file is parsed on
    // another thread: about one file's tree is in memory at a time instead of all of them.
    // Diagnostics keep load()-then-expand()'s order: the parse's go to a second engine and are
    // put first once everything is loaded, then the variables', then the rest.
    DiagEngine parseDiags = c.diags;  // the same settings, and whatever was reported before
    size_t reportedBefore = c.diags.all().size();
    RootLoader loader(paths, c.sources, parseDiags, reader, c.program, kParseAhead, /*lazyImports=*/true);
    Lowerer lowerer(c.diags);
    // The trees are freed statement by statement as this runs: every so many objects their
    // pages go back to the system, so the IR's growth is not stacked on the parse's peak.
    constexpr size_t kReleaseEvery = 2500;
    size_t lowered = 0;
    auto consume = [&](Object&& o) {
      bool target = opts.onTarget && o.type == "target";
      size_t before = target ? lowerer.sofar().targets.size() : 0;
      lowerer.add(std::move(o));
      if (target && lowerer.sofar().targets.size() > before) opts.onTarget(lowerer.sofar().targets.back());
      if (++lowered % kReleaseEvery == 0) releaseFreedMemory();
    };
    // Variables are collected from every file before anything that may read them is expanded:
    // once a file that declares or reads one is loaded, everything is, as load() does.
    bool allLoaded = false;
    size_t checked = 0;
    std::unique_ptr<ExpandSession> session;
    auto loadEverything = [&] {
      allLoaded = true;
      loader.parseAheadAll();
      loader.loadEverything();
      timer.lap("parse");
      std::vector<Diagnostic> expandedEarly(c.diags.all().begin() + static_cast<std::ptrdiff_t>(reportedBefore),
                                            c.diags.all().end());
      c.diags = std::move(parseDiags);
      session->collectVariables();
      replay(c.diags, expandedEarly);
    };
    auto checkLoaded = [&] {
      for (; !allLoaded && checked < loader.loaded().size(); ++checked)
        if (mentionsVariables(c.sources.text(loader.loaded()[checked]))) loadEverything();
    };
    ExpandSession::Imports imports;
    imports.resolve = [&](FileId from, const ast::Stmt& import, size_t index) {
      FileId dep = loader.importOf(from, import, index);
      checkLoaded();
      return dep;
    };
    imports.done = [&](FileId file) { loader.fileExpanded(file); };
    session = std::make_unique<ExpandSession>(c.program, c.sources, eo, c.diags, consume, std::move(imports));
    for (FileId id : loader.namedFiles())
      if (!allLoaded && mentionsVariables(c.sources.text(id))) loadEverything();
    for (size_t next = 0; !allLoaded && next < loader.rootCount(); ++next) {
      FileId id = loader.loadRoot(next);
      checkLoaded();
      if (id != kNoFile) session->expandFile(id);
    }
    if (!allLoaded) loadEverything();
    for (FileId root : c.program.roots) session->expandFile(root);  // those not expanded yet
    session.reset();
    c.program.files.clear();
    c.module = lowerer.finish();
    releaseFreedMemory();  // the last trees; what follows is the IR and the output
    timer.lap("expand+lower");
  }
  c.diags.mergeLoopRepeats();
}

}  // namespace mon
