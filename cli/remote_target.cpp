#include "remote_target.h"

#include <algorithm>
#include <iostream>
#include <thread>

#include "backend.h"
#include "frontend.h"
#include "net/preload.h"

namespace mon::cli {

// Messages carry server texts and names read from servers: control characters are escaped.
int fail(const std::string& msg) {
  std::cerr << "monitorc: error: " << terminalSafe(msg) << "\n";
  return 1;
}

// Runs `step`, printing what it reports as `build` prints diagnostics. False when it reported
// an error.
bool reportFrom(Compilation& c, const FrontEndOptions& fe, const std::function<void(DiagEngine&)>& step) {
  size_t mark = c.diags.all().size(), errorsBefore = c.diags.errorCount();
  step(c.diags);
  if (c.diags.all().size() > mark) {
    std::vector<Diagnostic> fresh(c.diags.all().begin() + mark, c.diags.all().end());
    printDiagnostics(fe.diagnosticsFormat, c.sources, fresh, c.diags.errorCount() - errorsBefore,
                     size_t(std::count_if(fresh.begin(), fresh.end(),
                                          [](const Diagnostic& d) { return d.severity == Severity::Warning; })));
  }
  return c.diags.errorCount() == errorsBefore;
}

// Finds the target called `name` (empty: the one chooseTarget picks) in a compiled source.
// Returns 0 or an exit status.
int chooseIn(std::shared_ptr<Compilation> compilation, const std::string& name, OpenTarget& out) {
  out.compilation = std::move(compilation);
  std::string err;
  out.declared = eng::chooseTarget(out.compilation->module, targetKinds(), name, err);
  if (!out.declared) return fail(err);
  out.kind = eng::findTargetKind(targetKinds(), out.declared->kind);
  return 0;
}

int compileAndChoose(const FrontEndOptions& fe, const std::string& name, OpenTarget& out) {
  bool ok;
  std::shared_ptr<Compilation> compilation = compileAndReport(fe, ok);
  if (!ok) return 1;
  return chooseIn(std::move(compilation), name, out);
}

int compileAndChooseReading(const FrontEndOptions& fe, const RemoteFlags& rf, OpenTarget& out) {
  std::shared_ptr<eng::EarlyRead> early;
  std::string earlyName;
  int primaries = 0;
  auto onTarget = [&](const ir::Target& t) {
    const eng::TargetKind* kind = eng::findTargetKind(targetKinds(), t.kind);
    if (!kind) return;
    if (rf.target.empty()) {
      // Without --target only a source with one target of a primary kind has a choice made for
      // it; with a second one the read is of no use.
      if (!kind->primary || ++primaries > 1) {
        if (primaries > 1) early.reset();
        return;
      }
    } else if (t.name != rf.target) {
      return;
    }
    if (!kind->readEarly || early) return;
    // Only a declaration plan would accept: the settings' errors are reported once the source
    // has compiled, by openChosen.
    if (kind->checkSettings) {
      DiagEngine scratch;
      kind->checkSettings(t, true, scratch);
      if (scratch.hasErrors()) return;
    }
    early = kind->readEarly(t, rf.remoteOptions());
    earlyName = t.name;
  };
  // The read's first request would wait for libcurl to load: load it while the source parses.
  std::thread preload([] { net::preloadCurl(); });
  bool ok;
  std::shared_ptr<Compilation> compilation = compileAndReport(fe, ok, {}, onTarget);
  preload.join();
  if (!ok) return 1;  // `early`, if any, is stopped and waited for as it goes
  if (int rc = chooseIn(std::move(compilation), rf.target, out)) return rc;
  if (early && out.declared->name == earlyName) out.early = std::move(early);
  return 0;
}

// The settings plan, apply and pull need, reported at the declaration. Returns 0 or 1.
static int checkSettingsForPlan(const FrontEndOptions& fe, OpenTarget& t) {
  if (!t.kind->checkSettings) return 0;
  return reportFrom(*t.compilation, fe, [&](DiagEngine& d) { t.kind->checkSettings(*t.declared, true, d); }) ? 0 : 1;
}

// Opens the chosen target (reads its key from the environment). Returns 0 or an exit status.
int openChosen(const FrontEndOptions& fe, const RemoteFlags& rf, OpenTarget& out) {
  if (int rc = checkSettingsForPlan(fe, out)) return rc;
  Compilation& c = *out.compilation;
  const Backend* backend = backendOfTarget(out.declared->kind);
  eng::TargetContext ctx{c.module, c.sources, *out.declared, rf.remoteOptions(), [&c, fe, backend](OutputFiles& built) {
                           return reportFrom(c, fe, [&](DiagEngine& d) { built = backend->build(c.module, d); });
                         }, std::move(out.early)};
  std::string err;
  out.target = out.kind->open(ctx, err);
  return out.target ? 0 : fail(err);
}

}  // namespace mon::cli
