#pragma once
// `target grafana`: dashboards in the target's folder and the alert rules of its rule group,
// through the Grafana HTTP API (apply.h); pull through the importers (pull.cpp).
#include "grafana/apply.h"
#include "target.h"

namespace mon::grafana {

const engine::TargetKind& target();

/// The target without a source, for a saved plan's checkSaved, stale and apply. Reads the token
/// from the environment variable `keyEnv`; null with `err` (naming the variable, never a value).
std::unique_ptr<engine::Target> openTarget(const std::string& name, const std::string& url, const std::string& folder,
                                           const std::string& keyEnv, const engine::RemoteOptions& opts, std::string& err);

/// The variable holding the target's API token (`token_env`, default GRAFANA_TOKEN).
std::string tokenEnv(const ir::Target& t);

/// The declared target's dashboards and alert rules as source (pull.cpp).
bool pullTarget(const ir::Target& declared, const Connection& conn, bool ownedOnly, engine::PulledSource& out,
                std::vector<std::string>& warnings, std::string& err);

}  // namespace mon::grafana
