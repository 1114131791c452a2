#pragma once
// `monitorc pull`: the remote state as .mon source, through the Mackerel importer
// (backends/mackerel/import.h). The ownership marker is taken out of memos first.
#include <string>
#include <vector>

#include "remote.h"
#include "target.h"

namespace mon::engine {

/// Source for the remote objects (only owned ones when `ownedOnly`); importer warnings appended.
std::string pullSource(const RemoteState& state, bool ownedOnly, std::vector<std::string>& warnings);
/// A `target` block declaring `t` (never a key: only the variable's name).
std::string targetSource(const TargetSpec& t);

/// What `monitorc pull` writes for a prometheus or grafana target (direct_pull.cpp).
struct PulledSource {
  std::string objects;  // monitors and dashboards, each with targets = ["<target>"]
  std::string target;   // the target block (settings, never a token)
};
/// Prometheus: the rule file plan compares with (rules_dir/monitorc_<target>.yml; with
/// `ownedOnly` only when it has the generated header) through the Prometheus importer.
/// Grafana: the dashboards in the target's folder (`ownedOnly`: tagged monitorc) through the
/// Grafana importer, and the rules of the target's rule group (`ownedOnly`: labelled
/// managed_by=monitorc) as query monitors (through the Prometheus importer). `target` is the
/// declaration in the source. False with `err` when the target cannot be read.
bool pullDirect(const TargetSpec& spec, const ir::Target& target, bool ownedOnly, const RemoteOptions& opts,
                PulledSource& out, std::vector<std::string>& warnings, std::string& err);

}  // namespace mon::engine
