#pragma once
// One monitor as Zabbix objects: the items its triggers read and the triggers, as the API takes
// them. Build writes them, plan compares them, apply sends them (remote.cpp).
#include <string>
#include <vector>

#include "ir/ir.h"
#include "zabbix/zabbix.h"

namespace mon::zabbix {

using Json = ir::Json;

/// Tags on every object monitorc writes: ownership (nothing without it is touched), and on
/// triggers the monitor they belong to and their part in it ("critical", "warning", ...).
inline constexpr const char* kOwnerTag = "managed_by";
inline constexpr const char* kOwnerValue = "monitorc";
inline constexpr const char* kMonitorTag = "monitorc_monitor";
inline constexpr const char* kPartTag = "monitorc_part";

struct Dropped {
  std::string field;
  std::string why;
};

/// A monitor on a target: `body` is {name, type: "trigger", items: [...], triggers: [...]};
/// each trigger's `dependencies` lists the parts (monitorc_part) it depends on. `whyNot` is
/// set when the target cannot express it.
struct Translation {
  Json body;
  std::string whyNot;
  std::vector<Dropped> dropped;
};

Translation translate(const ir::Monitor& m, const TargetSettings& s);

/// `expr` with every item reference written without a host (`avg(//key,5m)`) given the
/// template's host (`avg(/T/key,5m)`).
std::string withTemplateHost(const std::string& expr, const std::string& host);
/// The item keys `expr` reads from host `host` (`/host/key`), in order, each once.
std::vector<std::string> itemKeysIn(const std::string& expr, const std::string& host);
/// The value of tag `name` among `tags` ([{tag, value}]), "" when absent.
std::string tagValue(const Json& tags, const std::string& name);

}  // namespace mon::zabbix
