#pragma once
// Which targets a monitor or dashboard goes to (`targets = [...]`), shared by the
// Prometheus and Grafana backends.
#include <functional>
#include <string>
#include <vector>

#include "diag/diag_engine.h"
#include "ir/ir.h"
#include "prometheus/promql.h"

namespace mon::targets {

/// The module's targets of this kind, in source order.
std::vector<const ir::Target*> ofKind(const ir::Module& m, const std::string& kind);
/// True when `selected` (a monitor's or dashboard's `targets`) includes the target (empty = all).
bool selects(const std::vector<std::string>& selected, const ir::Target& t);
/// A monitor a target takes, translated.
struct Selected {
  const ir::Monitor* monitor;
  promql::Translation translation;
};

/// The monitors selected for `t` that it can express. Reports each one it cannot (an error
/// naming the monitor, the target and `targets = [...]` as the way out) and each field it drops
/// (a warning). `canPause`: the target expresses `is_mute`.
std::vector<Selected> expressibleMonitors(const ir::Module& m, const ir::Target& t, bool canPause, DiagEngine& diags);
/// The same monitors, reported the same way, handed to `take` one at a time as each is
/// translated (`take` may move from it), for a caller that does not keep them all (the rule
/// file's writer).
void forEachExpressible(const ir::Module& m, const ir::Target& t, bool canPause, DiagEngine& diags,
                        const std::function<void(const ir::Monitor&, promql::Translation&)>& take);
/// One monitor of forEachExpressible() (whether `t` selects it is the caller's question): false
/// when `t` cannot express it (reported); otherwise `tr` is its translation, and each field `t`
/// drops has been reported.
bool translateFor(const ir::Monitor& mon, const ir::Target& t, bool canPause, DiagEngine& diags,
                  promql::Translation& tr);
/// The same over the monitors [begin, end) of m.monitors only.
void forEachExpressible(const ir::Module& m, size_t begin, size_t end, const ir::Target& t, bool canPause,
                        DiagEngine& diags, const std::function<void(const ir::Monitor&, promql::Translation&)>& take);

/// Reports that `t` cannot express monitor `m` (an error at its name; `targets = [...]` is the
/// way out), shared by every backend so the message and its note read the same everywhere.
void reportCannotExpress(const ir::Monitor& m, const ir::Target& t, const std::string& why, DiagEngine& diags);
/// Reports a field of `m` that `t` leaves out (a warning at the field, or at the name when the
/// field is not written there: a default or a nested field).
void reportDroppedField(const ir::Monitor& m, const ir::Target& t, const std::string& field, const std::string& why,
                        DiagEngine& diags);

/// Reports names in monitors', dashboards' and rules' `targets = [...]` that no target declares.
void reportUnknownTargetNames(const ir::Module& m, DiagEngine& diags);

/// The native rules (record and alert blocks) `t` (a prometheus target) takes, in source order.
std::vector<const ir::Rule*> nativeRulesFor(const ir::Module& m, const ir::Target& t);
/// Reports native rules whose `targets` name a target that is not prometheus (a located error
/// at the name: they exist only in Prometheus), and rules that go to no prometheus target at all
/// (a warning: nothing is written for them).
void reportRuleTargets(const ir::Module& m, DiagEngine& diags);

/// Reports targets of `kind` whose names have the same fileSafe() form ("a/b" and "a_b"): they
/// would write the same output folder and (prometheus) the same owned rule file.
void reportFileNameClashes(const ir::Module& m, const std::string& kind, DiagEngine& diags);

/// A name for files and ids: letters, digits, '-', '_' and '.' kept, anything else as '_';
/// never "", "." or ".." (prefixed with '_'), so never a path of its own.
std::string fileSafe(const std::string& s);
/// 64-bit FNV-1a as 16 hex digits.
std::string hashHex(const std::string& s);

}  // namespace mon::targets
