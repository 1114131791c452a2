#pragma once
// The Alertmanager backend: the source's routing (channels, routes, maintenance windows) as an
// `alertmanager.yml` per `target alertmanager`: receivers, a route tree, inhibit rules and time
// intervals. docs/backends.md, "Alertmanager", describes the mapping.
#include <string>

#include "backend.h"

namespace mon::alertmanager {

/// `alertmanager/<target>/alertmanager.yml` for every alertmanager target.
OutputFiles build(const ir::Module& module, DiagEngine& diags);
/// Where build() puts the file of `target`: alertmanager/<file-safe name>/alertmanager.yml.
std::string builtPath(const std::string& target);
/// `monitorc import alertmanager FILE`: an alertmanager.yml as source (import.cpp).
bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);
/// What build() reports, writing nothing.
void check(const ir::Module& module, DiagEngine& diags);

/// The config of one target as a JSON tree (YAML is written from it by yaml.cpp).
ir::Json config(const ir::Module& module, const ir::Target& target, DiagEngine& diags);
/// Block-style YAML of a JSON tree; every string double-quoted (ASCII only).
std::string toYaml(const ir::Json& value);
/// A label value as a matcher's double-quoted operand (`team="a\"b"`), as the router reads it.
std::string matcherValue(const std::string& value);
/// Where a channel's secret named by environment variable `env` is read from by Alertmanager.
std::string secretFile(const ir::Target& target, const std::string& env);
/// The receiver of alerts no route takes (it notifies nobody).
extern const char* const kUnrouted;

}  // namespace mon::alertmanager
