#include "zabbix/pull.h"

#include <regex>

#include "ownership.h"
#include "support/text.h"
#include "zabbix/mapping.h"

namespace mon::zabbix {

namespace {

using Json = ir::Json;

std::string text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); }
// Field `k` of `o` as text, "" when absent (what the server sends is not trusted to be complete).
std::string str(const Json& o, const char* k) { return o.is_object() && o.contains(k) ? text(o[k]) : ""; }

// The agent keys build writes for host metrics, back to the metric's name.
const std::pair<const char*, const char*> kHostKeys[] = {
    {"system.cpu.util", "cpu%"},           {"vm.memory.utilization", "memory%"},
    {"vfs.fs.size[/,pused]", "disk%"},     {"system.swap.size[,pused]", "swap%"},
    {"system.cpu.load[all,avg1]", "loadavg1"}, {"system.cpu.load[all,avg5]", "loadavg5"},
    {"system.cpu.load[all,avg15]", "loadavg15"}};

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

struct Condition {
  std::string value, op, threshold;
};
// `VALUE>N` or `VALUE<N` as build writes it.
bool splitCondition(const std::string& expr, Condition& c) {
  static const std::regex re(R"(^(.*[^<>=])([<>])(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$)");
  std::smatch m;
  if (!std::regex_match(expr, m, re)) return false;
  c = {m[1].str(), m[2].str(), m[3].str()};
  return true;
}

}  // namespace

std::string pullSource(const engine::RemoteState& state, bool ownedOnly, const TargetSettings& s,
                       std::vector<std::string>& warnings) {
  std::string out;
  const std::string ref = "/" + s.templateHost + "/";
  static const std::regex hostAvg(R"(^avg\(/(.+)/(.+),([0-9]+)m\)$)");
  for (const auto& obj : state.monitors) {
    const Json& b = obj.body;
    bool owned = engine::hasOwnerMarker(text(b.value("memo", Json(""))));
    if (ownedOnly && !owned) continue;
    std::string name = text(b.value("name", Json("")));
    // Copies: value() gives a temporary.
    Json critJ, warnJ;
    const Json* crit = nullptr;
    const Json* warn = nullptr;
    const Json triggers = b.value("triggers", Json::array());
    for (const auto& t : triggers) {
      std::string part = tagValue(t.value("tags", Json::array()), kPartTag);
      if (!owned) part = str(t, "priority") == "2" ? "warning" : "critical";
      if (part == "critical" && !crit) crit = &(critJ = t);
      else if (part == "warning" && !warn) warn = &(warnJ = t);
      else warnings.push_back("trigger '" + str(t, "description") + "' (" + (part.empty() ? "no part" : part) +
                              ") of monitor '" + name + "': skipped: only the warning and critical conditions come back as source");
    }
    const Json* first = crit ? crit : warn;
    if (!first) continue;
    std::string block, kind;
    auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
    std::string expr = str((*first), "expression");
    std::smatch m;
    Condition c, cw;
    if (expr == "nodata(" + ref + "agent.ping,5m)=1" && !(crit && warn)) {
      kind = "connectivity";
      if (str((*first), "priority") == "2") field("alert_status_on_gone", "WARNING");
    } else if (!splitCondition(expr, c) || (crit && warn && (!splitCondition(str((*warn), "expression"), cw) || cw.value != c.value || cw.op != c.op))) {
      warnings.push_back("monitor '" + name + "': skipped: its triggers are not a condition of the shape 'VALUE>N' or 'VALUE<N'");
      continue;
    } else {
      std::string metric;
      if (std::regex_match(c.value, m, hostAvg) && m[1].str() == s.templateHost) {
        for (const auto& [key, met] : kHostKeys)
          if (m[2].str() == key) metric = met;
        // A custom host metric is a trapper item named after its key.
        const Json items = b.value("items", Json::array());
        for (const auto& it : items)
          if (metric.empty() && str(it, "key_") == m[2].str() && str(it, "type") == "2" && str(it, "name") == m[2].str() &&
              m[2].str().find('[') == std::string::npos)
            metric = m[2].str();
      }
      if (!metric.empty()) {
        kind = "host";
        field("metric", quoteSource(metric));
      } else {
        kind = "query";
        field("query", quoteSource(replaceAll(c.value, ref, "//")));
      }
      field("operator", quoteSource(c.op));
      if (warn) field("warning", splitCondition(str((*warn), "expression"), cw) ? cw.threshold : c.threshold);
      if (crit) field("critical", c.threshold);
      if (kind == "host") field("duration", m[3].str() + "m");
    }
    const Json t = *first;
    std::string labels;
    const Json tags = t.value("tags", Json::array());
    for (const auto& tag : tags) {
      std::string k = str(tag, "tag");
      if (k == kOwnerTag || k == kMonitorTag || k == kPartTag) continue;
      labels += (labels.empty() ? "" : ", ") + quoteSource(k) + " = " + quoteSource(str(tag, "value"));
    }
    if (!str(t, "url").empty()) labels += (labels.empty() ? "" : ", ") + std::string("runbook = ") + quoteSource(str(t, "url"));
    if (!labels.empty()) field("labels", "{ " + labels + " }");
    std::string raw;
    auto rawField = [&](const char* k, const std::string& v) { raw += (raw.empty() ? "" : ", ") + std::string(k) + " = " + v; };
    if (str(t, "manual_close") == "1") rawField("manual_close", "1");
    for (const char* k : {"opdata", "event_name"})
      if (!text(t[k]).empty()) rawField(k, quoteSource(text(t[k])));
    if (!str(t, "recovery_expression").empty()) rawField("recovery_expression", quoteSource(replaceAll(str(t, "recovery_expression"), ref, "//")));
    if (!raw.empty()) field("raw", "{ " + raw + " }");
    if (!str(t, "comments").empty()) field("memo", quoteSource(str(t, "comments")));
    field("targets", "[" + quoteSource(s.name) + "]");
    out += "monitor " + kind + " " + quoteSource(name) + " {\n" + block + "}\n\n";
  }
  return out;
}

}  // namespace mon::zabbix
