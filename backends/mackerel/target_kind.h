#pragma once
// The Mackerel backend's targets: `target mackerel` (the API) and `target local` (a directory
// that behaves like it). Both plan and apply through the engine's object model
// (engine/object_target.h); this folder supplies the Remote, the objects the source wants,
// their canonical form (normalize.h) and the importer pull uses.
#include "target.h"

namespace mon::mackerel {

const engine::TargetKind& mackerelTarget();
const engine::TargetKind& localTarget();

/// `check` for Mackerel: memos that the ownership marker line would take over the API's limit.
void check(const ir::Module& module, DiagEngine& diags);

/// Source for the objects of `state` (only owned ones when `ownedOnly`), through the importer
/// (import.h), with the ownership marker taken out of memos; pull.cpp.
std::string pullSource(const engine::RemoteState& state, bool ownedOnly, std::vector<std::string>& warnings);

}  // namespace mon::mackerel
