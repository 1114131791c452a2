// `monitorc import zabbix FILE...`: a Zabbix 6.0 template export (configuration.export, or the
// frontend's Export button, as JSON or YAML) as source. Each template becomes a `target zabbix`
// and its triggers monitors, read back exactly as `monitorc pull` reads the same triggers from
// the API (pull.cpp): the export's names and enumerations are turned into the API's first, so
// both go through one mapping. Triggers monitorc wrote (its tags) come back as the monitors
// that wrote them; a trigger made by hand comes back as a portable monitor when building that
// monitor writes it again, and in the native form (the expression as written) otherwise.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "ownership.h"
#include "prometheus/yaml_input.h"
#include "support/json_input.h"
#include "support/text.h"
#include "zabbix/mapping.h"
#include "zabbix/pull.h"
#include "zabbix/zabbix.h"

namespace mon::zabbix {

namespace {

// The export's names for the API's numbers (Zabbix 6.0, CXmlConstantName); absent = the
// export's default, given first.
using Names = std::vector<std::pair<const char*, const char*>>;
const Names kItemType = {{"ZABBIX_PASSIVE", "0"}, {"TRAP", "2"},        {"SIMPLE", "3"},      {"INTERNAL", "5"},
                         {"ZABBIX_ACTIVE", "7"},  {"EXTERNAL", "10"},   {"ODBC", "11"},       {"IPMI", "12"},
                         {"SSH", "13"},           {"TELNET", "14"},     {"CALCULATED", "15"}, {"JMX", "16"},
                         {"SNMP_TRAP", "17"},     {"DEPENDENT", "18"},  {"HTTP_AGENT", "19"}, {"SNMP_AGENT", "20"},
                         {"SCRIPT", "21"}};
const Names kValueType = {{"UNSIGNED", "3"}, {"FLOAT", "0"}, {"CHAR", "1"}, {"LOG", "2"}, {"TEXT", "4"}};
const Names kPriority = {{"NOT_CLASSIFIED", "0"}, {"INFO", "1"}, {"WARNING", "2"},
                         {"AVERAGE", "3"},        {"HIGH", "4"}, {"DISASTER", "5"}};
const Names kRecoveryMode = {{"EXPRESSION", "0"}, {"RECOVERY_EXPRESSION", "1"}, {"NONE", "2"}};
const Names kStatus = {{"ENABLED", "0"}, {"DISABLED", "1"}};
const Names kTriggerType = {{"SINGLE", "0"}, {"MULTIPLE", "1"}};
const Names kYesNo = {{"NO", "0"}, {"YES", "1"}};
const Names kCorrelation = {{"DISABLED", "0"}, {"TAG_VALUE", "1"}};
const Names kYesFirst = {{"YES", "1"}, {"NO", "0"}};  // a step follows redirects unless told not to
const Names kRetrieve = {{"BODY", "0"}, {"HEADERS", "1"}, {"BOTH", "2"}};
// What a web scenario or its step may have that monitorc does not write.
const char* const kWebExtras[] = {"variables", "headers", "authentication", "http_user", "http_password", "ssl_cert_file",
                                  "ssl_key_file", "ssl_key_password"};
const char* const kStepExtras[] = {"variables", "query_fields"};

// Item fields the source carries (`raw.items`); the rest of an item is named when dropped.
const std::set<std::string> kCarried = {"uuid", "name", "key", "type", "value_type", "units", "delay", "triggers"};

struct Reader {
  std::vector<std::string>& warnings;
  std::string error;

  std::string text(const Json& o, const char* k) {
    if (!o.is_object() || !o.contains(k) || o[k].is_null()) return "";
    const Json& v = o[k];
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  // An enumeration: its name, or the number itself (what the export's JSON has in places).
  bool named(const Json& o, const char* k, const Names& names, const std::string& where, std::string& out) {
    std::string v = text(o, k);
    out = names.front().second;
    if (v.empty()) return true;
    for (const auto& [n, num] : names)
      if (v == n || v == num) return (out = num, true);
    error = where + ": " + k + " '" + v + "' is not one Zabbix 6.0 exports";
    return false;
  }
  Json tags(const Json& o) {
    Json out = Json::array();
    if (o.is_object() && o.contains("tags") && o["tags"].is_array())
      for (const auto& t : o["tags"]) out.push_back({{"tag", text(t, "tag")}, {"value", text(t, "value")}});
    return out;
  }
  // An exported item as item.get answers (the fields plan compares).
  bool item(const Json& it, const std::string& where, Json& out) {
    out = {{"key_", text(it, "key")}, {"name", text(it, "name")}, {"units", text(it, "units")}, {"tags", tags(it)}};
    std::string type, valueType;
    if (!named(it, "type", kItemType, where, type) || !named(it, "value_type", kValueType, where, valueType)) return false;
    out["type"] = type;
    out["value_type"] = valueType;
    std::string delay = text(it, "delay");
    out["delay"] = !delay.empty() ? delay : type == "2" ? "0" : "1m";
    return true;
  }
  // An exported trigger as trigger.get answers with expandExpression; its dependencies by name.
  bool trigger(const Json& t, const std::string& where, Json& out) {
    out = {{"description", text(t, "name")},      {"expression", text(t, "expression")},
           {"comments", text(t, "description")},  {"url", text(t, "url")},
           {"recovery_expression", text(t, "recovery_expression")},
           {"opdata", text(t, "opdata")},         {"event_name", text(t, "event_name")},
           {"correlation_tag", text(t, "correlation_tag")}, {"tags", tags(t)}};
    const std::pair<const char*, const Names*> enums[] = {{"priority", &kPriority},         {"recovery_mode", &kRecoveryMode},
                                                          {"status", &kStatus},             {"type", &kTriggerType},
                                                          {"manual_close", &kYesNo},        {"correlation_mode", &kCorrelation}};
    for (const auto& [k, names] : enums) {
      std::string v;
      if (!named(t, k, *names, where, v)) return false;
      out[k] = v;
    }
    Json deps = Json::array();
    if (t.contains("dependencies") && t["dependencies"].is_array())
      for (const auto& d : t["dependencies"]) deps.push_back(text(d, "name"));
    out["dependencies"] = deps;
    return true;
  }
};

// An exported web scenario as httptest.get answers (web.h's fields); what it has beyond them is
// named in a warning.
bool webScenario(Reader& rd, const Json& w, const std::string& where, Json& out) {
  auto orDefault = [&](const Json& o, const char* k, const char* d) { std::string v = rd.text(o, k); return v.empty() ? std::string(d) : v; };
  out = {{"name", rd.text(w, "name")},          {"delay", orDefault(w, "delay", "1m")}, {"retries", orDefault(w, "attempts", "1")},
         {"agent", orDefault(w, "agent", "Zabbix")}, {"http_proxy", rd.text(w, "http_proxy")}, {"tags", rd.tags(w)}};
  const std::pair<const char*, const Names*> enums[] = {{"status", &kStatus}, {"verify_peer", &kYesNo}, {"verify_host", &kYesNo}};
  for (const auto& [k, names] : enums) {
    std::string v;
    if (!rd.named(w, k, *names, where, v)) return false;
    out[k] = v;
  }
  for (const char* k : kWebExtras)
    if (w.contains(k) && !rd.text(w, k).empty() && rd.text(w, k) != "[]" && rd.text(w, k) != "NONE")
      rd.warnings.push_back(where + ": its " + std::string(k) + " are not imported (monitorc writes one request)");
  Json steps = Json::array();
  int no = 0;
  for (const auto& st : w.value("steps", Json::array())) {
    std::string follow, retrieve, at = where + ", step '" + rd.text(st, "name") + "'";
    if (!rd.named(st, "follow_redirects", kYesFirst, at, follow) || !rd.named(st, "retrieve_mode", kRetrieve, at, retrieve)) return false;
    Json headers = Json::array();
    for (const auto& h : st.value("headers", Json::array())) headers.push_back({{"name", rd.text(h, "name")}, {"value", rd.text(h, "value")}});
    std::string posts = st.contains("posts") && st["posts"].is_string() ? st["posts"].get<std::string>() : "";
    if (st.contains("posts") && st["posts"].is_array() && !st["posts"].empty())
      rd.warnings.push_back(at + ": its form fields are not imported (a request body is raw text)");
    for (const char* k : kStepExtras)
      if (st.contains(k) && st[k].is_array() && !st[k].empty()) rd.warnings.push_back(at + ": its " + std::string(k) + " are not imported");
    steps.push_back({{"name", rd.text(st, "name")}, {"no", std::to_string(++no)}, {"url", rd.text(st, "url")},
                     {"status_codes", rd.text(st, "status_codes")}, {"required", rd.text(st, "required")},
                     {"timeout", orDefault(st, "timeout", "15s")}, {"follow_redirects", follow}, {"posts", posts},
                     {"retrieve_mode", retrieve}, {"headers", headers}});
  }
  out["steps"] = steps;
  return true;
}

// JSON when the text starts with '{' (what configuration.export writes for format "json"),
// YAML otherwise; YAML scalars are kept as text, as the export writes every value.
Json fromYaml(const YAML::Node& n) {
  if (n.IsMap()) {
    Json o = Json::object();
    for (const auto& kv : n) o[kv.first.as<std::string>()] = fromYaml(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    Json a = Json::array();
    for (const auto& x : n) a.push_back(fromYaml(x));
    return a;
  }
  if (n.IsScalar()) return n.as<std::string>();
  return nullptr;
}

bool parse(const std::string& textIn, Json& doc, std::string& error) {
  size_t at = textIn.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (at != std::string::npos && textIn[at] == '<') {
    error = "an XML export: export the template as JSON or YAML (monitorc reads those)";
    return false;
  }
  if (at != std::string::npos && textIn[at] == '{') {
    JsonInputError bad;
    if (!readJsonInput(textIn, doc, bad)) return (error = bad.where(), false);
    return true;
  }
  if (prometheus::YamlInputError bad; !prometheus::checkYamlInput(textIn, bad)) return (error = bad.where(), false);
  try {
    doc = fromYaml(YAML::Load(textIn));
  } catch (const YAML::Exception& e) {
    error = std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": not YAML: " + e.msg;
    return false;
  }
  return true;
}

// The target a template comes back to: named after monitorc's default template name
// ("monitorc NAME") when it is one, else after the template with `template_name` set.
std::string targetSource(const std::string& host, const Json& groups, TargetSettings& s) {
  s = TargetSettings{};
  std::string name = host.rfind("monitorc ", 0) == 0 && host.size() > 9 ? host.substr(9) : host;
  s.name = name;
  s.templateHost = host;
  std::string out = "target zabbix " + quoteSource(name) +
                    " {\n  # An export does not name its server: the frontend's URL.\n  # url = \"https://zabbix.example/zabbix\"\n";
  if (host != "monitorc " + name) out += "  template_name = " + quoteSource(host) + "\n";
  std::string group = groups.is_array() && !groups.empty() && groups[0].is_object() ? groups[0].value("name", "") : "";
  if (!group.empty() && group != "Templates") out += "  template_group = " + quoteSource(group) + "\n";
  return out + "}\n";
}

}  // namespace

bool importExport(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  Json doc;
  if (!parse(text, doc, error)) return false;
  const Json* root = doc.is_object() && doc.contains("zabbix_export") ? &doc["zabbix_export"] : nullptr;
  if (!root || !root->is_object() || !root->contains("templates") || !(*root)["templates"].is_array()) {
    error = "not a Zabbix template export (expected 'zabbix_export' with a 'templates' list)";
    return false;
  }
  Reader rd{warnings, ""};
  std::string version = rd.text(*root, "version");
  if (!version.empty() && version != "6.0")
    warnings.push_back("an export of Zabbix " + version + ": read as 6.0 (the version monitorc writes for)");
  // Triggers on more than one item are listed beside the templates: each goes to the template
  // its expression reads first.
  std::vector<Json> loose;
  if (root->contains("triggers") && (*root)["triggers"].is_array())
    for (const auto& t : (*root)["triggers"]) loose.push_back(t);
  std::vector<bool> placed(loose.size(), false);
  source.clear();
  for (const auto& tpl : (*root)["templates"]) {
    std::string host = rd.text(tpl, "template");
    if (host.empty()) {
      error = "a template without its technical name ('template')";
      return false;
    }
    std::string where = "template '" + host + "'";
    for (const char* part : {"discovery_rules", "graphs", "dashboards", "valuemaps", "macros", "templates"})
      if (tpl.contains(part) && tpl[part].is_array() && !tpl[part].empty())
        warnings.push_back(where + ": its " + std::string(part) + " are not imported (monitorc writes items and triggers)");
    TargetSettings s;
    std::string block = targetSource(host, tpl.value("groups", Json::array()), s);
    // Items and triggers as the API answers, grouped into monitors as trigger_remote.cpp does.
    Json items = Json::array();
    std::vector<Json> triggers;
    if (tpl.contains("items") && tpl["items"].is_array())
      for (const auto& it : tpl["items"]) {
        Json item;
        if (!rd.item(it, where + ", item '" + rd.text(it, "key") + "'", item)) return (error = rd.error, false);
        items.push_back(item);
        if (it.contains("triggers") && it["triggers"].is_array())
          for (const auto& t : it["triggers"]) triggers.push_back(t);
      }
    const std::string ref = "/" + host + "/";
    for (size_t i = 0; i < loose.size(); ++i) {
      std::string expr = rd.text(loose[i], "expression");
      size_t at = expr.find(ref);
      bool first = at != std::string::npos;
      for (const auto& other : (*root)["templates"]) {
        size_t o = expr.find("/" + rd.text(other, "template") + "/");
        if (o != std::string::npos && o < at) first = false;
      }
      if (!placed[i] && first) {
        triggers.push_back(loose[i]);
        placed[i] = true;
      }
    }
    std::vector<Json> trigs;
    for (const auto& t : triggers) {
      Json trig;
      if (!rd.trigger(t, where + ", trigger '" + rd.text(t, "name") + "'", trig)) return (error = rd.error, false);
      trigs.push_back(std::move(trig));
    }
    // Hand-made triggers by name: a Warning and a High one of the same name, the Warning one
    // depending on the High one, are what build writes for a warning and critical threshold.
    std::map<std::string, std::vector<size_t>> byName;
    for (size_t i = 0; i < trigs.size(); ++i)
      if (tagValue(trigs[i]["tags"], kOwnerTag) != kOwnerValue || tagValue(trigs[i]["tags"], kMonitorTag).empty())
        byName[trigs[i]["description"].get<std::string>()].push_back(i);
    engine::RemoteState state;
    std::map<std::pair<bool, std::string>, size_t> monitorAt;  // (owned, name) -> its monitor
    auto add = [&](const std::string& name, bool owned, const Json& trig) {
      Json reads = Json::array();
      for (const auto& k : itemKeysIn(trig["expression"].get<std::string>() + " " + trig["recovery_expression"].get<std::string>(), host))
        for (const auto& it : items)
          if (it["key_"] == k) reads.push_back(it);
      if (monitorAt.count({owned, name})) {
        Json& body = state.monitors[monitorAt[{owned, name}]].body;
        body["triggers"].push_back(trig);
        for (const auto& it : reads)
          if (std::find(body["items"].begin(), body["items"].end(), it) == body["items"].end()) body["items"].push_back(it);
        return;
      }
      Json body = {{"name", name}, {"type", "trigger"}, {"items", reads}, {"triggers", Json::array({trig})}};
      if (owned) body["memo"] = std::string(engine::kOwnerMarker);
      monitorAt[{owned, name}] = state.monitors.size();
      state.monitors.push_back({engine::ObjKind::Monitor, std::to_string(state.monitors.size() + 1), std::move(body)});
    };
    for (size_t i = 0; i < trigs.size(); ++i) {
      const Json& trig = trigs[i];
      std::string mon = tagValue(trig["tags"], kMonitorTag);
      if (tagValue(trig["tags"], kOwnerTag) == kOwnerValue && !mon.empty()) {
        add(mon, true, trig);
        continue;
      }
      std::string name = trig["description"].get<std::string>();
      const std::vector<size_t>& same = byName[name];
      bool pair = same.size() == 2 && trigs[same[0]]["priority"] != trigs[same[1]]["priority"];
      for (size_t j : same) {
        const Json& t = trigs[j];
        if (t["priority"] == "2")
          pair = pair && std::find(t["dependencies"].begin(), t["dependencies"].end(), Json(name)) != t["dependencies"].end();
        else
          pair = pair && t["priority"] == "4";
      }
      if (same.front() != i && !pair) {
        warnings.push_back(where + ": trigger '" + name + "': skipped: another trigger of the template has the same name");
        continue;
      }
      add(name, false, trig);
    }
    // Web scenarios join the monitor their tag names (monitorc's) or the triggers of their name.
    if (tpl.contains("httptests") && tpl["httptests"].is_array())
      for (const auto& w : tpl["httptests"]) {
        Json web;
        if (!webScenario(rd, w, where + ", web scenario '" + rd.text(w, "name") + "'", web)) return (error = rd.error, false);
        std::string mon = tagValue(web["tags"], kMonitorTag);
        bool owned = tagValue(web["tags"], kOwnerTag) == kOwnerValue && !mon.empty();
        std::string name = owned ? mon : web["name"].get<std::string>();
        if (!monitorAt.count({owned, name})) {
          Json body = {{"name", name}, {"items", Json::array()}, {"triggers", Json::array()}};
          if (owned) body["memo"] = std::string(engine::kOwnerMarker);
          monitorAt[{owned, name}] = state.monitors.size();
          state.monitors.push_back({engine::ObjKind::Monitor, std::to_string(state.monitors.size() + 1), std::move(body)});
        }
        Json& body = state.monitors[monitorAt[{owned, name}]].body;
        body["type"] = "web";
        body["web"] = std::move(web);
      }
    // What an item has beyond what monitorc writes, and items no trigger reads, are named.
    std::set<std::string> read;
    for (const auto& m : state.monitors)
      for (const auto& it : m.body["items"]) read.insert(it["key_"].get<std::string>());
    if (tpl.contains("items") && tpl["items"].is_array())
      for (const auto& it : tpl["items"]) {
        std::string key = rd.text(it, "key"), extra;
        if (!read.count(key)) {
          warnings.push_back(where + ": item '" + key + "' is read by no trigger: not imported");
          continue;
        }
        for (auto f = it.begin(); f != it.end(); ++f)
          if (!kCarried.count(f.key()) && !(f.key() == "tags" && rd.tags(it) == Json::array({{{"tag", kOwnerTag}, {"value", kOwnerValue}}})))
            extra += (extra.empty() ? "" : ", ") + f.key();
        if (!extra.empty()) warnings.push_back(where + ": item '" + key + "': not imported: " + extra);
      }
    std::vector<std::string> pulled;
    std::string monitors = pullSource(state, false, s, pulled);
    for (const auto& w : pulled) warnings.push_back(where + ": " + w);
    source += (source.empty() ? "" : "\n") + block + (monitors.empty() ? "" : "\n" + monitors);
  }
  for (size_t i = 0; i < loose.size(); ++i)
    if (!placed[i])
      warnings.push_back("trigger '" + rd.text(loose[i], "name") + "': skipped: it reads no item of the exported templates");
  while (source.size() > 1 && source[source.size() - 1] == '\n' && source[source.size() - 2] == '\n') source.pop_back();
  return true;
}

}  // namespace mon::zabbix
