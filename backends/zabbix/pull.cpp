#include "zabbix/pull.h"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <regex>

#include "ownership.h"
#include "support/text.h"
#include "zabbix/mapping.h"
#include "zabbix/web.h"

namespace mon::zabbix {

namespace {

using Json = ir::Json;

std::string text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); }
// Field `k` of `o` as text, "" when absent (what the server sends is not trusted to be complete).
std::string str(const Json& o, const char* k) { return o.is_object() && o.contains(k) ? text(o[k]) : ""; }

// The agent items build writes for host metrics (mapping.cpp), back to the metric's name.
struct HostKey {
  const char* key;
  const char* metric;
  const char* name;
  const char* units;
};
const HostKey kHostKeys[] = {{"system.cpu.util", "cpu%", "CPU utilization", "%"},
                             {"vm.memory.utilization", "memory%", "Memory utilization", "%"},
                             {"vfs.fs.size[/,pused]", "disk%", "Space utilization of /", "%"},
                             {"system.swap.size[,pused]", "swap%", "Swap utilization", "%"},
                             {"system.cpu.load[all,avg1]", "loadavg1", "Load average (1m)", ""},
                             {"system.cpu.load[all,avg5]", "loadavg5", "Load average (5m)", ""},
                             {"system.cpu.load[all,avg15]", "loadavg15", "Load average (15m)", ""}};

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

// A number the API sends as text ("3"), as source; quoted when it is not a plain integer.
std::string numberOrText(const std::string& v) {
  static const std::regex plain("^-?[0-9]{1,9}$");
  return std::regex_match(v, plain) ? v : quoteSource(v);
}

// `items = { "KEY" = { type = 0, ... } }` for the items `keys` that are not what the mapping
// writes by default (a trapper item of floats named after its key), "" when all are.
std::string itemSettings(const Json& items, const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys)
    for (const auto& it : items) {
      if (str(it, "key_") != k) continue;
      std::string set;
      auto add = [&](const char* f, const std::string& v) { set += (set.empty() ? "" : ", ") + std::string(f) + " = " + v; };
      if (str(it, "name") != k) add("name", quoteSource(str(it, "name")));
      if (str(it, "type") != "2") add("type", numberOrText(str(it, "type")));
      if (str(it, "value_type") != "0") add("value_type", numberOrText(str(it, "value_type")));
      if (!str(it, "units").empty()) add("units", quoteSource(str(it, "units")));
      std::string delay = str(it, "delay");
      if (delay != "0" && !(delay.empty() && str(it, "type") == "2")) add("delay", quoteSource(delay));
      if (!set.empty()) out += (out.empty() ? "" : ", ") + quoteSource(k) + " = { " + set + " }";
      break;
    }
  return out.empty() ? "" : "items = { " + out + " }";
}

// Labels (tags beside monitorc's own, `url` as runbook) and memo of trigger `t`, as fields.
void labelsAndMemo(const Json& t, const std::function<void(const std::string&, const std::string&)>& field) {
  std::string labels;
  for (const auto& tag : t.value("tags", Json::array())) {
    std::string k = str(tag, "tag");
    if (k == kOwnerTag || k == kMonitorTag || k == kPartTag) continue;
    labels += (labels.empty() ? "" : ", ") + quoteSource(k) + " = " + quoteSource(str(tag, "value"));
  }
  if (!str(t, "url").empty()) labels += (labels.empty() ? "" : ", ") + std::string("runbook = ") + quoteSource(str(t, "url"));
  if (!labels.empty()) field("labels", "{ " + labels + " }");
  if (!str(t, "comments").empty()) field("memo", quoteSource(str(t, "comments")));
}

// An external monitor from its web scenario and the triggers mapping.cpp writes on its items;
// "" with a warning when the scenario is not of that shape.
std::string externalSource(const std::string& name, const Json& b, const TargetSettings& s, std::vector<std::string>& warnings) {
  const Json web = b["web"];
  const Json steps = web.value("steps", Json::array());
  if (steps.size() != 1) {
    warnings.push_back("web scenario '" + name + "': skipped: an external monitor is one request (it has " +
                       std::to_string(steps.size()) + " steps)");
    return "";
  }
  const Json step = steps[0];
  if (str(step, "name") != kWebStep)
    warnings.push_back("web scenario '" + name + "': its step '" + str(step, "name") + "' becomes '" + kWebStep +
                       "' (the name monitorc gives it), which renames its items web.test.time and web.test.rspcode");
  std::string block, raw;
  auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
  auto rawField = [&](const std::string& k, const std::string& v) { raw += (raw.empty() ? "" : ", ") + k + " = " + v; };
  field("url", quoteSource(str(step, "url")));
  std::string service = tagValue(web.value("tags", Json::array()), kServiceTag);
  if (!str(step, "posts").empty()) {
    field("method", quoteSource("POST"));
    field("request_body", quoteSource(str(step, "posts")));
  }
  std::string literal;
  if (!str(step, "required").empty()) {
    if (literalOfRegex(str(step, "required"), literal)) field("contains_string", quoteSource(literal));
    else warnings.push_back("web scenario '" + name + "': its required pattern '" + str(step, "required") + "' is a regular expression, not kept");
  }
  static const std::regex code("^[1-5][0-9][0-9]$");
  std::string codes = str(step, "status_codes");
  if (std::regex_match(codes, code)) field("expected_status_code", codes);
  else if (codes != "200-399") warnings.push_back("web scenario '" + name + "': status codes '" + codes + "' are not kept (one code or any 2xx/3xx)");
  if (str(step, "follow_redirects") == "1") field("follow_redirect", "true");
  std::string headers;
  for (const auto& h : step.value("headers", Json::array()))
    headers += (headers.empty() ? "" : ", ") + quoteSource(str(h, "name")) + " = " + quoteSource(str(h, "value"));
  if (!headers.empty()) field("headers", "{ " + headers + " }");
  if (str(web, "verify_peer") != "1" || str(web, "verify_host") != "1") field("skip_certificate_verification", "true");
  // The triggers: the failure (how many checks in a row) and the response time pair.
  const std::string ref = "/" + s.templateHost + "/";
  const std::string fail = ref + webItemKey(str(web, "name"), "fail");
  const std::string time = ref + webItemKey(str(web, "name"), "time");
  static const std::regex rt(R"(^avg\((.*),([0-9]+)m\)>([0-9.]+)$)");
  Json crit;
  std::string attempts, rtWarning, rtCritical, rtMinutes;
  for (const auto& t : b.value("triggers", Json::array())) {
    std::string part = tagValue(t.value("tags", Json::array()), kPartTag), expr = str(t, "expression");
    std::smatch m;
    // A trigger made by hand has no part: its shape and priority say which it would be.
    if (part.empty())
      part = expr.find(fail) != std::string::npos ? "critical"
             : str(t, "priority") == "2"          ? "response_time_warning"
                                                  : "response_time_critical";
    if (part == "critical" && expr == "last(" + fail + ")>0") {
      crit = t;
    } else if (part == "critical" && expr.rfind("min(" + fail + ",#", 0) == 0 && expr.size() > 3 && expr.compare(expr.size() - 3, 3, ")>0") == 0) {
      crit = t;
      attempts = expr.substr(fail.size() + 6, expr.size() - fail.size() - 9);
    } else if ((part == "response_time_critical" || part == "response_time_warning") && std::regex_match(expr, m, rt) && m[1].str() == time) {
      (part == "response_time_critical" ? rtCritical : rtWarning) = formatNumber(std::round(std::atof(m[3].str().c_str()) * 1000)) + "ms";
      rtMinutes = m[2].str();
    } else {
      warnings.push_back("trigger '" + str(t, "description") + "' (" + (part.empty() ? "no part" : part) + ") of web scenario '" + name +
                         "': skipped: not a trigger monitorc writes for an external monitor");
    }
  }
  if (crit.is_null()) {
    warnings.push_back("web scenario '" + name + "': skipped: it has no failure trigger (" + "last(" + fail + ")>0)");
    return "";
  }
  // The language asks for a service with response times; a scenario made by hand has none
  // (Zabbix does not use it): the target's name stands in.
  if (service.empty() && !(rtWarning.empty() && rtCritical.empty())) service = s.name;
  if (!service.empty()) block.insert(block.find('\n') + 1, "  service = " + quoteSource(service) + "\n");
  if (!attempts.empty()) field("max_check_attempts", attempts);
  if (!rtWarning.empty()) field("response_time_warning", rtWarning);
  if (!rtCritical.empty()) field("response_time_critical", rtCritical);
  if (!rtMinutes.empty()) field("response_time_duration", rtMinutes + "m");
  labelsAndMemo(crit, field);
  if (str(web, "delay") != "1m") rawField("delay", quoteSource(str(web, "delay")));
  if (str(web, "retries") != "1") rawField("retries", numberOrText(str(web, "retries")));
  if (str(web, "agent") != "Zabbix") rawField("agent", quoteSource(str(web, "agent")));
  if (!str(web, "http_proxy").empty()) rawField("http_proxy", quoteSource(str(web, "http_proxy")));
  if (str(web, "status") != "0" && !str(web, "status").empty()) rawField("status", numberOrText(str(web, "status")));
  if (str(step, "timeout") != "15s") rawField("timeout", quoteSource(str(step, "timeout")));
  if (!str(step, "retrieve_mode").empty() && str(step, "retrieve_mode") != "0") rawField("retrieve_mode", numberOrText(str(step, "retrieve_mode")));
  if (!raw.empty()) field("raw", "{ " + raw + " }");
  field("targets", "[" + quoteSource(s.name) + "]");
  return "monitor external " + quoteSource(name) + " {\n" + block + "}\n\n";
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
    if (b.contains("web")) {
      out += externalSource(name, b, s, warnings);
      continue;
    }
    const Json items = b.value("items", Json::array());
    // Copies: value() gives a temporary.
    Json critJ, warnJ;
    const Json* crit = nullptr;
    const Json* warn = nullptr;
    const Json* native = nullptr;
    const Json triggers = b.value("triggers", Json::array());
    for (const auto& t : triggers) {
      std::string part = tagValue(t.value("tags", Json::array()), kPartTag);
      // A trigger made by hand: a warning condition when its priority is Warning, else a
      // critical one (its priority in raw.priority); not a condition: the native form.
      if (!owned) part = str(t, "priority") == "2" ? "warning" : "critical";
      if (part == "critical" && !crit) crit = &(critJ = t);
      else if (part == "warning" && !warn) warn = &(warnJ = t);
      else warnings.push_back("trigger '" + str(t, "description") + "' (" + (part.empty() ? "no part" : part) +
                              ") of monitor '" + name + "': skipped: only the warning and critical conditions come back as source");
    }
    std::string block, kind;
    auto field = [&](const std::string& k, const std::string& v) { block += "  " + k + " = " + v + "\n"; };
    std::string raw;
    auto rawField = [&](const char* k, const std::string& v) { raw += (raw.empty() ? "" : ", ") + std::string(k) + " = " + v; };
    const Json* first = crit ? crit : warn;
    std::smatch m;
    Condition c, cw;
    if (first) {
      std::string expr = str((*first), "expression");
      if (expr == "nodata(" + ref + "agent.ping,5m)=1" && !(crit && warn)) {
        kind = "connectivity";
        if (str((*first), "priority") == "2") field("alert_status_on_gone", "WARNING");
      } else if (!splitCondition(expr, c) ||
                 (crit && warn && (!splitCondition(str((*warn), "expression"), cw) || cw.value != c.value || cw.op != c.op))) {
        // Not a threshold pair: one trigger in the native form, a pair is left out.
        if (crit && warn) {
          warnings.push_back("monitor '" + name + "': skipped: its triggers are not a condition of the shape 'VALUE>N' or 'VALUE<N'");
          continue;
        }
        native = first;
        first = nullptr;
      } else {
        std::string metric;
        int minutes = std::regex_match(c.value, m, hostAvg) ? std::atoi(m[3].str().c_str()) : 0;
        // A host monitor averages over 1 to 10 minutes; a longer window stays a query.
        if (minutes >= 1 && minutes <= 10 && m[1].str() == s.templateHost) {
          // The agent item as build writes it (when the item was read: an export, an owned
          // template); another item on the same key stays a query with its settings.
          for (const auto& hk : kHostKeys)
            if (m[2].str() == hk.key) {
              metric = hk.metric;
              for (const auto& it : items)
                if (str(it, "key_") == hk.key &&
                    (str(it, "name") != hk.name || str(it, "type") != "0" || str(it, "value_type") != "0" ||
                     str(it, "units") != hk.units || str(it, "delay") != "1m"))
                  metric.clear();
            }
          // A custom host metric is a trapper item named after its key.
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
          std::string its = itemSettings(items, itemKeysIn(c.value, s.templateHost));
          if (!its.empty()) rawField("items", its.substr(8));
        }
        field("operator", quoteSource(c.op));
        if (warn) field("warning", splitCondition(str((*warn), "expression"), cw) ? cw.threshold : c.threshold);
        if (crit) field("critical", c.threshold);
        if (kind == "host") field("duration", m[3].str() + "m");
        if (!(crit && warn) && str((*first), "priority") != (crit ? "4" : "2"))
          rawField("priority", numberOrText(str((*first), "priority")));
      }
    }
    // The native form: the expression as written in raw.expression; the query names the
    // items it reads and the language's threshold (critical 0) is replaced by it.
    if (native) {
      std::string expr = str((*native), "expression");
      std::vector<std::string> keys = itemKeysIn(expr, s.templateHost);
      if (keys.empty()) {
        warnings.push_back("trigger '" + str((*native), "description") + "': skipped: its expression reads no item of template '" +
                           s.templateHost + "'");
        continue;
      }
      kind = "query";
      block.clear();
      field("query", quoteSource(replaceAll(expr, ref, "//")));
      field("operator", quoteSource(">"));
      field("critical", "0");
      rawField("expression", quoteSource(replaceAll(expr, ref, "//")));
      if (str((*native), "priority") != "4") rawField("priority", numberOrText(str((*native), "priority")));
      std::string its = itemSettings(items, keys);
      if (!its.empty()) rawField("items", its.substr(8));
      first = native;
    }
    if (!first) continue;
    const Json t = *first;
    if (!owned && !t.value("dependencies", Json::array()).empty())
      warnings.push_back("trigger '" + str(t, "description") + "': its dependencies are not kept");
    std::string labels;
    const Json tags = t.value("tags", Json::array());
    for (const auto& tag : tags) {
      std::string k = str(tag, "tag");
      if (k == kOwnerTag || k == kMonitorTag || k == kPartTag) continue;
      labels += (labels.empty() ? "" : ", ") + quoteSource(k) + " = " + quoteSource(str(tag, "value"));
    }
    if (!str(t, "url").empty()) labels += (labels.empty() ? "" : ", ") + std::string("runbook = ") + quoteSource(str(t, "url"));
    if (!labels.empty()) field("labels", "{ " + labels + " }");
    if (str(t, "manual_close") == "1") rawField("manual_close", "1");
    for (const char* k : {"opdata", "event_name", "correlation_tag"})
      if (!str(t, k).empty()) rawField(k, quoteSource(str(t, k)));
    // Disabled, multiple problem events, tag correlation: as the API numbers them.
    // `type` is the monitor's kind in the language, so a raw key cannot carry it.
    if (str(t, "type") == "1")
      warnings.push_back("trigger '" + str(t, "description") + "': its type (multiple problem events) is not kept");
    for (const char* k : {"status", "correlation_mode"})
      if (!str(t, k).empty() && str(t, k) != "0") rawField(k, numberOrText(str(t, k)));
    if (!str(t, "recovery_expression").empty()) {
      rawField("recovery_expression", quoteSource(replaceAll(str(t, "recovery_expression"), ref, "//")));
      if (str(t, "recovery_mode") != "1") rawField("recovery_mode", numberOrText(str(t, "recovery_mode")));
    } else if (!str(t, "recovery_mode").empty() && str(t, "recovery_mode") != "0") {
      rawField("recovery_mode", numberOrText(str(t, "recovery_mode")));
    }
    if (!raw.empty()) field("raw", "{ " + raw + " }");
    if (!str(t, "comments").empty()) field("memo", quoteSource(str(t, "comments")));
    field("targets", "[" + quoteSource(s.name) + "]");
    out += "monitor " + kind + " " + quoteSource(name) + " {\n" + block + "}\n\n";
  }
  return out;
}

}  // namespace mon::zabbix
