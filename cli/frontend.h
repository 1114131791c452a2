#pragma once
// Runs the front end for a command and prints its diagnostics.
#include <functional>
#include <memory>

#include "commands.h"
#include "diag/diagnostic.h"
#include "driver/compile.h"

namespace mon::cli {

/// Prints `diags` in `format`: text (with the summary of `errors` and `warnings`) and json on
/// stderr as before; sarif and github on stdout, where code scanning uploads and GitHub Actions
/// read them.
void printDiagnostics(const std::string& format, const SourceManager& sm, const std::vector<Diagnostic>& diags,
                      size_t errors, size_t warnings);

/// `build`'s hand-over of monitors to the backends as they are lowered (MonitorStreaming). When
/// `holds` finds, once the whole source is read, that what was decided with part of it does
/// not stand, `restart` drops what the backends were handed and the source is compiled again
/// with every monitor kept; only that compile is reported.
struct StreamedCompile {
  MonitorStreaming streaming;
  std::function<bool(const Compilation&)> holds;
  std::function<void()> restart;
};

/// Compiles, prints diagnostics in the chosen format to stderr, and returns the compilation.
/// `ok` is false when there were errors (or bad options). `more`, when set, runs after a
/// compilation without errors and before printing, to add its diagnostics to the same report.
/// `onTarget` (CompileOptions::onTarget) sees each target as soon as it is lowered.
std::unique_ptr<Compilation> compileAndReport(const FrontEndOptions& opts, bool& ok,
                                              const std::function<void(Compilation&)>& more = {},
                                              const std::function<void(const ir::Target&)>& onTarget = {},
                                              const StreamedCompile* streamed = nullptr);

}  // namespace mon::cli
