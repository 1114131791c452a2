#pragma once
// The source's routing (channels, routes, monitors' own channels, maintenance windows) as
// Mackerel notification channels, notification groups and downtimes (docs/mackerel-routing.md).
// Mackerel routes by monitor, not by label, so each route becomes a group of the target's
// monitors it takes, judged statically as the checks judge them (lower/routing_match.h), in
// order and with `continue`. What Mackerel cannot express is a located warning, and is left out
// rather than sent wrong.
#include <functional>

#include "diag/diag_engine.h"
#include "diff.h"
#include "ir/ir.h"
#include "source/source_manager.h"

namespace mon::mackerel {

/// The channels, notification groups and downtimes for Mackerel target `target`, in the plans'
/// form (engine/mackerel/routing_wire.h). `getenv` reads the channels' secrets, which plans
/// hold only as fingerprints. False with `err` when a secret is unset or two objects would
/// share a name.
bool routingObjects(const ir::Module& m, const SourceManager& sm, const std::string& target,
                    const std::function<const char*(const char*)>& getenv, std::vector<engine::Desired>& out,
                    std::string& err);

/// `check` for each Mackerel target: what its routing cannot express, as located warnings.
void checkRouting(const ir::Module& m, const std::string& target, DiagEngine& diags);

}  // namespace mon::mackerel
