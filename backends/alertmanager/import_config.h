#pragma once
// The Alertmanager importer (import.cpp) for other systems whose routing is Alertmanager's
// (Grafana's notification policies, contact points and mute timings: grafana/import_routing.cpp
// converts them to an Alertmanager configuration first).
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace mon::alertmanager {

/// What such a system's import writes differently.
struct ImportFlavor {
  std::string targetBlock;  // written instead of `target alertmanager "alertmanager" {...}`
  std::string secretHint;   // what a warning about a secret tells to do besides setting the variable
};

/// `root` (an Alertmanager configuration) as source; `flavor` null for Alertmanager itself.
bool importConfig(const YAML::Node& root, const ImportFlavor* flavor, std::string& source, std::vector<std::string>& warnings,
                  std::string& error);

}  // namespace mon::alertmanager
