#pragma once
// An alertmanager.yml as plan, apply and import read it: the text as JSON, the objects a plan
// compares one by one, and the routing a running Alertmanager reports back.
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::alertmanager {

/// The first line of every file build() writes: the ownership marker. A config file that does
/// not start with it was not written by monitorc, and plan refuses to replace it unless the
/// target says `take_over = true`.
extern const char* const kGeneratedHeader;
bool writtenByMonitorc(const std::string& text);

/// The YAML text as JSON (plain true/false and integers typed, every other scalar a string;
/// null for an empty document); false with `err`
/// ("LINE:COL: message" when it has a place) when it is not YAML or goes past the input limits.
bool yamlToJson(const std::string& text, ir::Json& out, std::string& err);

/// One object of a config as a plan lists it: type "route tree" (the whole tree, key "route":
/// its order is its meaning, so a change shows as the fields that differ, "routes[1].receiver"),
/// "receiver" and "time interval" (by name: what a plan may leave as orphans), or "setting" (any
/// other top-level key: global, inhibit_rules, templates). Every field that may carry a secret
/// in a file monitorc did not write (api_url, routing_key, passwords, tokens, ...) reads
/// "(secret)".
struct ConfigObject {
  std::string type, key;
  ir::Json body;
};
std::vector<ConfigObject> configObjects(const ir::Json& config);

/// What apply compares between the file it wrote and the config Alertmanager reports it runs
/// (GET /api/v2/status, config.original, which Alertmanager writes back with its defaults
/// filled in): the route tree (receiver, matchers, continue, group_by, time intervals of each
/// route), the receiver names, the time interval names and the inhibit rules' matchers.
ir::Json routingSignature(const ir::Json& config);

/// One matcher of a `matchers` list ("name=~\"value\"", also unquoted values).
struct Matcher {
  std::string name, op, value;  // op: = != =~ !~
};
/// False with `err` when `text` is not a matcher.
bool parseMatcher(const std::string& text, Matcher& out, std::string& err);

}  // namespace mon::alertmanager
