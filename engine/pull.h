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

}  // namespace mon::engine
