#pragma once
// `monitorc import newrelic FILE...`: what New Relic gives out as .mon source.
#include <string>
#include <vector>

namespace mon::newrelic {

/// One file: a dashboard as New Relic's "Copy JSON" exports it (or a NerdGraph answer with a
/// dashboard `entity`), or a NerdGraph answer of `nrqlConditionsSearch` (conditions as query
/// monitors; the whole response, its `nrqlConditionsSearch` object or the conditions' list).
/// The objects go to a target named "newrelic", declared with the account the file names.
bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error);

}  // namespace mon::newrelic
