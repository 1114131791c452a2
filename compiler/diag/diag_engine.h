#pragma once
// Collects diagnostics from every pass. Passes report and keep going; the driver decides
// what to render and the exit status.
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "diag/diagnostic.h"

namespace mon {

class DiagEngine;

/// Returned by DiagEngine::report so a call site can attach notes and fix-its.
class DiagBuilder {
 public:
  DiagBuilder(DiagEngine* engine, size_t index) : engine_(engine), index_(index) {}
  DiagBuilder& note(Range range, std::string message);
  DiagBuilder& fix(Range range, std::string replacement);

 private:
  DiagEngine* engine_;
  size_t index_;
};

class DiagEngine {
 public:
  DiagBuilder report(Range range, diag::Kind kind, std::vector<std::string> args = {});
  /// The same with the severity and rule code of a lint rule (its configured severity, not the
  /// catalog's); --werror still turns a warning into an error.
  DiagBuilder reportRule(Range range, diag::Kind kind, std::vector<std::string> args, Severity sev, std::string rule);
  /// Merges diagnostics that differ only in the notes naming a `for` step (kLoopNotePrefix)
  /// into the first of them, whose loop note then lists every value; counts follow.
  void mergeLoopRepeats();
  /// Adds a diagnostic collected elsewhere (a parse on another thread), keeping the counts.
  void append(const Diagnostic& d);
  /// Adds diagnostics reported to another engine as report() would have added them here: past
  /// this engine's error limit they are dropped, which is said once. The other engine's own
  /// notice of its limit is not copied, unless it stopped at the same diagnostic (then it is
  /// taken, with the notes added to it).
  void replay(const std::vector<Diagnostic>& reported);
  bool hasErrors() const { return errors_ > 0; }
  size_t errorCount() const { return errors_; }
  size_t warningCount() const { return warnings_; }
  const std::vector<Diagnostic>& all() const { return diags_; }
  std::vector<Diagnostic>& mutableAll() { return diags_; }
  /// Treat warnings as errors (the CLI's --werror).
  void setWarningsAsErrors(bool on) { werror_ = on; }
  /// Stops recording after this many errors, so a binary file does not print a million lines.
  void setErrorLimit(size_t n) { errorLimit_ = n; }
  bool limitReached() const { return errorLimit_ && errors_ >= errorLimit_; }

 private:
  friend class DiagBuilder;
  std::vector<Diagnostic> diags_;
  Diagnostic dropped_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  size_t errorLimit_ = 0;
  bool stopReported_ = false;
  bool werror_ = false;
};

}  // namespace mon
