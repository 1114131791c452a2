#pragma once
// The Prometheus backend: rule files per `target prometheus`, and import of rule files.
#include <memory>
#include <string>

#include "backend.h"

namespace mon::prometheus {

/// `prometheus/<target>/<group>.yml` for every prometheus target (nothing without one).
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// build(), with the monitors' rules taken from `streamed` when streamMonitors() made it and
/// the front end handed the monitors to it (Backend::buildInto; the files are returned, none
/// is streamed to `sink`).
OutputFiles buildInto(const ir::Module& module, DiagEngine& diags, FileSink& sink, MonitorStream* streamed);
/// A stream that writes each monitor's rules as the front end lowers it (stream.h).
std::unique_ptr<MonitorStream> streamMonitors(FileSink& sink);
/// What build() reports, without producing the files (`monitorc check`; check.cpp).
void check(const ir::Module& module, DiagEngine& diags);
/// What build() and check() report once for the whole module, before any target: unknown
/// names in `targets`, and records that no prometheus target can hold (check.cpp). One list,
/// so that check cannot miss a report that build makes.
void reportModuleTargets(const ir::Module& module, DiagEngine& diags);

/// The rule group name for a target: its `group` field, else the target's name.
std::string groupName(const ir::Target& t);

/// How `pull` imports the rules of one target (import.cpp writes a target per group otherwise).
struct IntoTarget {
  std::string name;                       // every rule gets `targets = [name]`; no target is declared
  bool monitorsOnly = false;              // a rule that is no query monitor is skipped with a warning
  std::vector<std::string> groupSettings;  // out: per group, its settings as target fields ("  group = ...\n")
};

/// `.mon` source for a rule file's recording and alerting rules (see import.cpp); problems go to `warnings`.
/// Returns false (with `error` set) when the text is not a rule file, or is YAML past the bounds
/// of yaml_input.h (64 MiB, 256 levels, aliases standing for a million nodes); an error with a
/// place in the text starts with "LINE:COLUMN: ".
bool importRules(const std::string& yamlText, std::string& source, std::vector<std::string>& warnings,
                 std::string& error);
/// The same for `pull`: the rules of one target (`into`).
bool importRulesInto(const std::string& yamlText, IntoTarget& into, std::string& source, std::vector<std::string>& warnings,
                     std::string& error);

}  // namespace mon::prometheus
