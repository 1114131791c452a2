#pragma once
// What every rule file reports through: it applies the configured severity, turned-off rules
// and inline suppressions, so the rules only say what they found and where.
#include <optional>
#include <string>

#include "check/schema.h"
#include "diag/diag_engine.h"
#include "ir/ir.h"
#include "lint/config.h"
#include "lint/suppress.h"

namespace mon::lint {

/// The object a finding is about: its block (where suppressions attach) and the `for` steps
/// that made it (named in a note, so findings of a loop say which step).
struct Subject {
  Range range;
  const std::vector<ir::LoopStep>* steps = nullptr;
  Subject(Range r) : range(r) {}  // NOLINT: a widget, a target: no steps of their own
  Subject(const ir::Monitor& m) : range(m.range), steps(&m.loopSteps) {}
  Subject(const ir::Rule& r) : range(r.range), steps(&r.loopSteps) {}
  Subject(const ir::Dashboard& d) : range(d.range), steps(&d.loopSteps) {}
};

class Reporter {
 public:
  Reporter(const SourceManager& sm, const Config& cfg, Suppressions& sup, DiagEngine& diags)
      : sm_(sm), cfg_(cfg), sup_(sup), diags_(diags) {}
  /// Whether `code` runs at all (not turned off by the configuration).
  bool enabled(const std::string& code) const;
  /// Reports a finding of rule `code` about the object whose block is `object`, at `at`; empty
  /// when the rule is off or the object suppresses it.
  std::optional<DiagBuilder> report(const char* code, const Subject& object, Range at, diag::Kind kind,
                                    std::vector<std::string> args);
  const SourceManager& sources() const { return sm_; }
  /// Adds the step notes of the findings reported so far.
  void finish();


 private:
  const SourceManager& sm_;
  const Config& cfg_;
  Suppressions& sup_;
  DiagEngine& diags_;
  std::vector<std::pair<size_t, const std::vector<ir::LoopStep>*>> pending_;
};

// One function per area; each checks every object of its kind.
void checkMonitors(const ir::Module& m, Reporter& r);
void checkDuplicates(const ir::Module& m, Reporter& r);
void checkPrometheusRules(const ir::Module& m, Reporter& r);
void checkDashboards(const ir::Module& m, Reporter& r);

/// What MON009 compares a monitor on: monitors with equal keys and a common target watch the
/// same thing (each is reported against the first such monitor before it); `what` says it.
struct MonitorIdentity {
  std::string key, what;
};
MonitorIdentity monitorIdentity(const ir::Monitor& m);
/// Reports MON009 on `mon`, which watches what the earlier `first` watches (`what`: from its identity).
void reportDuplicateMonitor(const ir::Monitor& mon, const ir::Monitor& first, const std::string& what, Reporter& r);

/// MON002 over the fields of one object (a monitor or an alerting rule) of schema `fields`.
void checkUnits(const std::vector<schema::Field>& fields, const ir::Props& props, const Subject& object, Reporter& r);

/// ASCII lower case, for matching metric names and URLs.
std::string lowerAscii(std::string_view s);
/// A duration in seconds as the DSL writes it: 90 -> "1m30s".
std::string showSeconds(double seconds);
/// Whether two objects' `targets` lists share a target (an empty list means every target).
bool targetsOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b);

}  // namespace mon::lint
