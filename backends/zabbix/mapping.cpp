#include "zabbix/mapping.h"

#include <algorithm>
#include <cctype>

#include "support/text.h"
#include "zabbix/web.h"

namespace mon::zabbix {

namespace {

// Item types and value types of the API (item.create).
constexpr int kAgent = 0, kTrapper = 2;
constexpr int kFloat = 0, kUnsigned = 3;
// Trigger priorities: 2 Warning, 4 High.
constexpr int kWarning = 2, kHigh = 4;
// What `raw.items` may set on an item (the fields plan compares, key_ aside).
const char* const kItemSettings[] = {"name", "type", "value_type", "units", "delay"};

Json ownerTags() { return Json::array({{{"tag", kOwnerTag}, {"value", kOwnerValue}}}); }

Json item(const std::string& key, const std::string& name, int type, int valueType, const std::string& units) {
  // Trapper items take what zabbix_sender pushes; the agent is polled every minute.
  return {{"key_", key}, {"name", name}, {"type", type}, {"value_type", valueType}, {"units", units},
          {"delay", type == kTrapper ? "0" : "1m"}, {"tags", ownerTags()}};
}

struct HostMetric {
  const char* metric;
  const char* key;
  const char* name;
  const char* units;
};
// Zabbix agent keys for the metrics Mackerel's agent reports under these names. disk% is the
// root file system (Mackerel: the fullest one).
const HostMetric kHostMetrics[] = {
    {"cpu%", "system.cpu.util", "CPU utilization", "%"},
    {"memory%", "vm.memory.utilization", "Memory utilization", "%"},
    {"disk%", "vfs.fs.size[/,pused]", "Space utilization of /", "%"},
    {"swap%", "system.swap.size[,pused]", "Swap utilization", "%"},
    {"loadavg1", "system.cpu.load[all,avg1]", "Load average (1m)", ""},
    {"loadavg5", "system.cpu.load[all,avg5]", "Load average (5m)", ""},
    {"loadavg15", "system.cpu.load[all,avg15]", "Load average (15m)", ""},
};

// A metric name usable as an item key as it is (no parameters, nothing to quote).
bool plainKey(const std::string& s) {
  if (s.empty() || s.size() > 255) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-'; });
}

std::string ref(const TargetSettings& s, const std::string& key) { return "/" + s.templateHost + "/" + key; }

std::string minutes(double m) { return formatNumber(m) + "m"; }

struct Builder {
  const ir::Monitor& m;
  const TargetSettings& s;
  Translation out;
  Json items = Json::array();
  Json triggers = Json::array();

  // `raw.items` ({KEY: {type, value_type, units, delay, name}}) sets what the mapping would
  // not choose for an item: an agent or calculated item instead of a trapper, its value type.
  void addItem(Json it) {
    for (const auto& x : items)
      if (x["key_"] == it["key_"]) return;
    if (auto r = m.raw.find("items"); r != m.raw.end() && r->is_object())
      if (auto o = r->find(it["key_"].get<std::string>()); o != r->end() && o->is_object())
        for (const char* f : kItemSettings)
          if (o->contains(f)) it[f] = (*o)[f];
    items.push_back(std::move(it));
  }
  Json tags(const std::string& part) const {
    Json t = ownerTags();
    t.push_back({{"tag", kMonitorTag}, {"value", m.name}});
    t.push_back({{"tag", kPartTag}, {"value", part}});
    for (const auto& [k, v] : m.labels)
      if (k != "runbook") t.push_back({{"tag", k}, {"value", v}});
    return t;
  }
  void addTrigger(const std::string& part, const std::string& description, const std::string& expression, int priority,
                  const std::vector<std::string>& dependsOn = {}) {
    Json t = {{"description", description}, {"expression", expression}, {"priority", priority},
              {"comments", m.props.str("memo")}};
    if (auto it = m.labels.find("runbook"); it != m.labels.end()) t["url"] = it->second;
    t["tags"] = tags(part);
    t["dependencies"] = dependsOn;
    // Zabbix-only trigger settings (manual_close, opdata, event_name, recovery_expression ...).
    for (auto it = m.raw.begin(); it != m.raw.end(); ++it) {
      if (it.key() == "items") continue;  // item settings (addItem)
      if (m.kind == ir::MonitorKind::External && isWebRawKey(it.key())) continue;  // the web scenario's
      Json v = it.value();
      if (v.is_string() && (it.key() == "recovery_expression" || it.key() == "expression"))
        v = withTemplateHost(v.get<std::string>(), s.templateHost);
      t[it.key()] = v;
    }
    if (t.contains("recovery_expression") && !t.contains("recovery_mode")) t["recovery_mode"] = 1;
    triggers.push_back(std::move(t));
  }
  // Warning and critical thresholds on `value`: two triggers, the warning one depending on the
  // critical one, so that only one of them is a problem at a time.
  void thresholds(const std::string& value, const std::string& description) {
    std::string op = m.props.str("operator", ">");
    const ir::Prop* c = m.props.find("critical");
    const ir::Prop* w = m.props.find("warning");
    bool hasC = c && c->value.is_number(), hasW = w && w->value.is_number();
    if (hasC) addTrigger("critical", description, value + op + formatNumber(c->value.get<double>()), kHigh);
    if (hasW)
      addTrigger("warning", description, value + op + formatNumber(w->value.get<double>()), kWarning,
                 hasC ? std::vector<std::string>{"critical"} : std::vector<std::string>{});
  }
  void drop(const char* field, const std::string& why) {
    if (m.props.has(field)) out.dropped.push_back({field, why});
  }
};

}  // namespace

std::string withTemplateHost(const std::string& expr, const std::string& host) {
  std::string out;
  for (size_t i = 0; i < expr.size(); ++i) {
    if (expr.compare(i, 2, "//") == 0) {
      size_t j = out.size();
      while (j > 0 && out[j - 1] == ' ') --j;
      if (j > 0 && (out[j - 1] == '(' || out[j - 1] == ',')) {
        out += "/" + host + "/";
        ++i;
        continue;
      }
    }
    out += expr[i];
  }
  return out;
}

std::vector<std::string> itemKeysIn(const std::string& expr, const std::string& host) {
  std::vector<std::string> keys;
  const std::string prefix = "/" + host + "/";
  for (size_t at = expr.find(prefix); at != std::string::npos; at = expr.find(prefix, at + 1)) {
    size_t i = at + prefix.size();
    int depth = 0;
    bool quoted = false;
    std::string key;
    for (; i < expr.size(); ++i) {
      char c = expr[i];
      if (quoted) {
        if (c == '\\' && i + 1 < expr.size()) key += expr[i++];
        else if (c == '"') quoted = false;
      } else if (c == '"' && depth > 0) {
        quoted = true;
      } else if (c == '[') {
        ++depth;
      } else if (c == ']') {
        --depth;
      } else if (depth == 0 && (c == ',' || c == ')' || c == ' ')) {
        break;
      }
      key += c;
    }
    if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

std::string tagValue(const Json& tags, const std::string& name) {
  if (!tags.is_array()) return "";
  for (const auto& t : tags)
    if (t.is_object() && t.value("tag", "") == name) return t.value("value", "");
  return "";
}

Translation translate(const ir::Monitor& m, const TargetSettings& s) {
  Builder b{m, s, {}};
  Json web;  // external monitors: the web scenario
  const std::string name = m.name.empty() ? "connectivity" : m.name;
  b.drop("notification_interval", "re-notification is an action's escalation in Zabbix");
  b.drop("is_mute", "Zabbix mutes through maintenance periods or actions");
  switch (m.kind) {
    case ir::MonitorKind::Host: {
      std::string metric = m.props.str("metric");
      const HostMetric* hm = nullptr;
      for (const auto& x : kHostMetrics)
        if (metric == x.metric) hm = &x;
      std::string key;
      if (hm) {
        key = hm->key;
        b.addItem(item(key, hm->name, kAgent, kFloat, hm->units));
      } else if (metric.rfind("container-", 0) == 0) {
        b.out.whyNot = "container metrics exist only in Mackerel";
        return b.out;
      } else if (plainKey(metric)) {
        key = metric;  // a custom host metric: pushed with zabbix_sender to a trapper item
        b.addItem(item(key, metric, kTrapper, kFloat, ""));
      } else {
        b.out.whyNot = "host metric '" + metric + "' is not an item key (letters, digits, '_', '.', '-')";
        return b.out;
      }
      b.thresholds("avg(" + ref(s, key) + "," + minutes(m.props.num("duration", 1)) + ")", name);
      if (m.props.num("max_check_attempts", 1) > 1)
        b.out.dropped.push_back({"max_check_attempts", "the trigger averages over 'duration'; lengthen it instead"});
      b.drop("scopes", "the target's 'hosts' and 'host_groups' decide which hosts the template is linked to");
      b.drop("exclude_scopes", "the target's 'hosts' and 'host_groups' decide which hosts the template is linked to");
      break;
    }
    case ir::MonitorKind::Connectivity: {
      b.addItem(item("agent.ping", "Zabbix agent ping", kAgent, kUnsigned, ""));
      int prio = m.props.str("alert_status_on_gone", "CRITICAL") == "WARNING" ? kWarning : kHigh;
      b.addTrigger(prio == kHigh ? "critical" : "warning", name, "nodata(" + ref(s, "agent.ping") + ",5m)=1", prio);
      b.drop("scopes", "the target's 'hosts' and 'host_groups' decide which hosts the template is linked to");
      b.drop("exclude_scopes", "the target's 'hosts' and 'host_groups' decide which hosts the template is linked to");
      break;
    }
    case ir::MonitorKind::Service: {
      std::string metric = m.props.str("metric");
      if (!plainKey(metric)) {
        b.out.whyNot = "service metric '" + metric + "' is not an item key (letters, digits, '_', '.', '-')";
        return b.out;
      }
      b.addItem(item(metric, metric, kTrapper, kFloat, ""));
      // Mackerel averages the last N points: avg over #N values.
      b.thresholds("avg(" + ref(s, metric) + ",#" + formatNumber(m.props.num("duration", 1)) + ")", name);
      // No data for a while: the same pair, the warning depending on the critical one.
      const ir::Prop* mc = m.props.find("missing_duration_critical");
      const ir::Prop* mw = m.props.find("missing_duration_warning");
      bool hasMc = mc && mc->value.is_number();
      if (hasMc)
        b.addTrigger("no_data_critical", name + " (no data)",
                     "nodata(" + ref(s, metric) + "," + minutes(mc->value.get<double>()) + ")=1", kHigh);
      if (mw && mw->value.is_number())
        b.addTrigger("no_data_warning", name + " (no data)",
                     "nodata(" + ref(s, metric) + "," + minutes(mw->value.get<double>()) + ")=1", kWarning,
                     hasMc ? std::vector<std::string>{"no_data_critical"} : std::vector<std::string>{});
      if (m.props.num("max_check_attempts", 1) > 1)
        b.out.dropped.push_back({"max_check_attempts", "the trigger averages the last 'duration' values"});
      break;
    }
    case ir::MonitorKind::Query: {
      std::string value = withTemplateHost(m.props.str("query"), s.templateHost);
      std::vector<std::string> keys = itemKeysIn(value, s.templateHost);
      if (keys.empty()) {
        b.out.whyNot = "the query reads no item of the template: write a Zabbix function such as 'avg(//app.latency,5m)' "
                       "('//' is the template)";
        return b.out;
      }
      // Items the source does not define otherwise are trapper items, fed by zabbix_sender.
      for (const auto& k : keys) b.addItem(item(k, k, kTrapper, kFloat, ""));
      // The native form: `raw.expression` replaces the condition (addTrigger).
      b.thresholds(value, name);
      b.drop("for_duration", "write the duration into the function, e.g. min(//key,5m)");
      b.drop("evaluate_backward_minutes", "Zabbix evaluates on every new value");
      b.drop("legend", "a trigger has no legend");
      break;
    }
    case ir::MonitorKind::External: {
      // A web scenario (web.cpp) makes its own items; the triggers read them. A failed step
      // (status code, required text, timeout, connection) sets web.test.fail to its number:
      // critical when the last `max_check_attempts` checks all failed.
      web = webScenario(m, b.out.whyNot, b.out.dropped);
      if (!b.out.whyNot.empty()) return b.out;
      long long attempts = std::max(1LL, static_cast<long long>(m.props.num("max_check_attempts", 1)));
      std::string fail = ref(s, webItemKey(m.name, "fail"));
      b.addTrigger("critical", name, attempts == 1 ? "last(" + fail + ")>0" : "min(" + fail + ",#" + std::to_string(attempts) + ")>0",
                   kHigh);
      // Response time (web.test.time, seconds) averaged over response_time_duration; while the
      // check fails, only that problem is open.
      std::string time = "avg(" + ref(s, webItemKey(m.name, "time")) + "," + minutes(m.props.num("response_time_duration", 1)) + ")";
      const ir::Prop* rc = m.props.find("response_time_critical");
      const ir::Prop* rw = m.props.find("response_time_warning");
      bool hasRc = rc && rc->value.is_number();
      if (hasRc)
        b.addTrigger("response_time_critical", name + " (response time)", time + ">" + formatNumber(rc->value.get<double>() / 1000), kHigh,
                     {"critical"});
      if (rw && rw->value.is_number())
        b.addTrigger("response_time_warning", name + " (response time)", time + ">" + formatNumber(rw->value.get<double>() / 1000),
                     kWarning, {hasRc ? "response_time_critical" : "critical"});
      // `service` (which the language asks for with response times) names Mackerel's metric's
      // place; the response time here is the scenario's own item: nothing to report.
      break;
    }
    case ir::MonitorKind::Expression:
      b.out.whyNot = "expression monitors read Mackerel graph expressions (write a query monitor with a Zabbix function)";
      return b.out;
    case ir::MonitorKind::AnomalyDetection:
      b.out.whyNot = "anomaly detection exists only in Mackerel";
      return b.out;
  }
  if (b.triggers.empty() && b.out.whyNot.empty())
    b.out.whyNot = "it sets neither 'warning' nor 'critical', so there is no trigger to write";
  b.out.body = {{"name", name}, {"type", web.is_null() ? "trigger" : "web"}, {"items", b.items}, {"triggers", b.triggers}};
  if (!web.is_null()) b.out.body["web"] = std::move(web);
  return b.out;
}

}  // namespace mon::zabbix
