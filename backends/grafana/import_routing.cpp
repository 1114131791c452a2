// `monitorc import grafana` of Grafana's notification resources (routing.h): they are
// Alertmanager's routing under other names, so they are converted to an Alertmanager
// configuration and read by the Alertmanager importer (alertmanager/import_config.h), which
// flattens the policy tree into the source's ordered routes the same way:
// - contact points -> receivers (integrations of one name are one receiver): email addresses,
//   slack url/recipient/title/text, webhook url/maxAlerts/bearer credentials, pagerduty
//   integrationKey; other settings and types are warnings. Secure settings are never kept:
//   the channel names a variable and a warning says which one to set.
// - the policy tree -> the route tree: object_matchers are matchers; the root's contact point
//   is the target's default_contact_point (its alerts are the ones no route takes).
// - mute timings -> time intervals.
// What monitorc writes to own them (routing.h: the tree's marker policy, the mute timings'
// name suffix) is dropped, so what build wrote imports back to the same source.
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string_view>

#include "alertmanager/alertmanager.h"
#include "alertmanager/config_view.h"
#include "alertmanager/import_config.h"
#include "grafana/routing.h"
#include "prometheus/mon_source.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;

YAML::Node yaml(const Json& j) {
  YAML::Node n;
  if (j.is_object()) {
    n = YAML::Node(YAML::NodeType::Map);
    for (auto it = j.begin(); it != j.end(); ++it) n[it.key()] = yaml(it.value());
  } else if (j.is_array()) {
    n = YAML::Node(YAML::NodeType::Sequence);
    for (const auto& x : j) n.push_back(yaml(x));
  } else if (j.is_string()) {
    n = YAML::Node(j.get<std::string>());
  } else if (j.is_boolean()) {
    n = YAML::Node(j.get<bool>() ? "true" : "false");
  } else if (!j.is_null()) {
    n = YAML::Node(j.dump());
  }
  return n;
}

std::string unmarked(const std::string& name) {
  return ownedMuteTiming(name) ? name.substr(0, name.size() - kMuteTimingMarker.size()) : name;
}

bool isMarker(const Json& policy) {
  return policy.is_object() && policy.contains("object_matchers") &&
         policy["object_matchers"] == Json::array({Json::array({std::string(kTreeMarkerLabel), "=", "true"})});
}

// A policy as an Alertmanager route.
Json route(const Json& p) {
  Json r = Json::object();
  for (auto it = p.begin(); it != p.end(); ++it) {
    const std::string& k = it.key();
    if (k == "object_matchers") {
      Json ms = r.contains("matchers") ? r["matchers"] : Json::array();
      for (const auto& m : it.value())
        if (m.is_array() && m.size() == 3)
          ms.push_back(m[0].get<std::string>() + m[1].get<std::string>() +
                       alertmanager::matcherValue(m[2].get<std::string>()));
      r["matchers"] = ms;
    } else if (k == "matchers") {
      Json ms = r.contains("matchers") ? r["matchers"] : Json::array();
      for (const auto& m : it.value()) ms.push_back(m);
      r["matchers"] = ms;
    } else if (k == "routes") {
      Json children = Json::array();
      for (const auto& c : it.value())
        if (!isMarker(c)) children.push_back(route(c));
      if (!children.empty()) r["routes"] = children;
    } else if (k == "mute_time_intervals" || k == "active_time_intervals") {
      Json names = Json::array();
      for (const auto& n : it.value()) names.push_back(unmarked(n.get<std::string>()));
      r[k] = names;
    } else if (k != "provenance") {
      r[k] = it.value();
    }
  }
  return r;
}

// Maintenance windows with scopes or monitors: build mutes them on a child of each notifying
// policy, with the policy's contact point, the window's matchers (service/role, an alertname
// regex of monitor names) and the policy's mute timings plus the window's
// (alertmanager/config.cpp, TreeBuilder::leaf). Those children are taken out again here and
// their windows kept with their scopes and monitors.
struct ScopedWindow {
  std::set<std::string> scopes, monitors;
};

std::set<std::string> names(const Json& p, const char* key) {
  std::set<std::string> out;
  if (p.contains(key) && p[key].is_array())
    for (const auto& n : p[key])
      if (n.is_string()) out.insert(n.get<std::string>());
  return out;
}

// The monitors of build's alertname matcher "(a|b)( \(.*\))?"; false when it is not one.
bool monitorNames(const std::string& re, std::set<std::string>& out) {
  const std::string tail = "( \\(.*\\))?";
  if (re.size() < tail.size() + 2 || re[0] != '(' || re.compare(re.size() - tail.size(), tail.size(), tail) != 0) return false;
  std::string inner = re.substr(1, re.size() - tail.size() - 2), cur;
  if (re[re.size() - tail.size() - 1] != ')') return false;
  for (size_t i = 0; i <= inner.size(); ++i) {
    if (i == inner.size() || inner[i] == '|') {
      out.insert(cur);
      cur.clear();
    } else if (inner[i] == '\\' && i + 1 < inner.size()) {
      cur += inner[++i];
    } else if (std::string_view("()[]{}*+?.^$").find(inner[i]) != std::string_view::npos) {
      return false;
    } else {
      cur += inner[i];
    }
  }
  return true;
}

// The window a child policy mutes for a scope, or "" when it is not such a child.
std::string scopedChild(const Json& parent, const Json& c, std::map<std::string, ScopedWindow>& windows) {
  if (!c.is_object() || c.contains("routes") || c.value("continue", false) || c.value("receiver", "") != parent.value("receiver", "") ||
      !c.contains("object_matchers"))
    return "";
  std::set<std::string> mine = names(c, "mute_time_intervals"), theirs = names(parent, "mute_time_intervals"), extra;
  for (const auto& n : mine)
    if (!theirs.count(n)) extra.insert(n);
  if (extra.size() != 1 || mine.size() != theirs.size() + 1) return "";
  std::string service, role;
  std::set<std::string> monitors;
  for (const auto& m : c["object_matchers"]) {
    if (!m.is_array() || m.size() != 3 || !m[0].is_string() || !m[1].is_string() || !m[2].is_string()) return "";
    std::string l = m[0].get<std::string>(), op = m[1].get<std::string>(), v = m[2].get<std::string>();
    if (l == "service" && op == "=") service = v;
    else if (l == "role" && op == "=") role = v;
    else if (l == "alertname" && op == "=~" && monitorNames(v, monitors)) continue;
    else return "";
  }
  if (service.empty() && (!role.empty() || monitors.empty())) return "";
  ScopedWindow& w = windows[*extra.begin()];
  if (!service.empty()) w.scopes.insert(role.empty() ? service : service + ":" + role);
  w.monitors.insert(monitors.begin(), monitors.end());
  return *extra.begin();
}

void stripScopedWindows(Json& p, std::map<std::string, ScopedWindow>& windows) {
  if (!p.is_object() || !p.contains("routes") || !p["routes"].is_array()) return;
  Json kept = Json::array();
  for (auto& c : p["routes"]) {
    if (!scopedChild(p, c, windows).empty()) continue;
    stripScopedWindows(c, windows);
    kept.push_back(c);
  }
  if (kept.empty()) p.erase("routes");
  else p["routes"] = kept;
}

// Every policy mutes `window`, so the importer keeps it as a maintenance window (whose scopes
// are added to its block afterwards).
void muteEverywhere(Json& p, const std::string& window) {
  if (!p.is_object()) return;
  if (!names(p, "mute_time_intervals").count(window)) {
    if (!p.contains("mute_time_intervals")) p["mute_time_intervals"] = Json::array();
    p["mute_time_intervals"].push_back(window);
  }
  if (p.contains("routes"))
    for (auto& c : p["routes"]) muteEverywhere(c, window);
}

// One integration as an Alertmanager receiver config: {"<type>_configs": cfg}.
std::pair<std::string, Json> integration(const Json& in) {
  const std::string type = in.value("type", "");
  Json s = in.contains("settings") && in["settings"].is_object() ? in["settings"] : Json::object();
  Json cfg = Json::object();
  auto take = [&](const char* from, const char* to) {
    if (s.contains(from)) {
      cfg[to] = s[from].is_string() ? s[from] : Json(s[from].dump());
      s.erase(from);
    }
  };
  if (type == "email") {
    std::string to = s.value("addresses", "");
    for (char& c : to)
      if (c == ';' || c == '\n') c = ',';
    cfg["to"] = to;
    s.erase("addresses");
    if (!s.value("singleEmail", false)) s.erase("singleEmail");
  } else if (type == "slack") {
    take("url", "api_url");
    take("recipient", "channel");
    take("title", "title");
    take("text", "text");
  } else if (type == "webhook") {
    take("url", "url");
    if (s.value("httpMethod", "POST") == "POST") s.erase("httpMethod");
    if (s.contains("maxAlerts")) {
      std::string n = s["maxAlerts"].is_string() ? s["maxAlerts"].get<std::string>() : s["maxAlerts"].dump();
      if (n != "0" && !n.empty()) cfg["max_alerts"] = n;
      s.erase("maxAlerts");
    }
    if (s.contains("authorization_credentials") && s.value("authorization_scheme", "Bearer") == "Bearer") {
      cfg["http_config"] = {{"authorization", {{"type", "Bearer"}, {"credentials", s["authorization_credentials"]}}}};
      s.erase("authorization_credentials");
      s.erase("authorization_scheme");
    }
  } else if (type == "pagerduty") {
    take("integrationKey", "routing_key");
  }
  // What the source cannot hold reaches the importer as unknown fields: each is a warning there.
  for (auto it = s.begin(); it != s.end(); ++it)
    if (!(it.value().is_string() && it.value().get<std::string>().empty())) cfg[it.key()] = it.value().is_string() ? it.value() : Json(it.value().dump());
  if (in.value("disableResolveMessage", false)) cfg["send_resolved"] = false;
  return {type + "_configs", cfg};
}

// The document as an Alertmanager configuration; false with `error`.
bool convert(const Json& doc, Json& config, std::string& rootReceiver, std::map<std::string, ScopedWindow>& scoped,
             std::string& error) {
  auto pick = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (doc.contains(k)) return doc[k];
    return Json(nullptr);
  };
  Json points = pick({"contactPoints", "contact_points", "contact-points"}), policies = pick({"policies"}),
       timings = pick({"muteTimes", "mute_timings", "mute-timings"});
  if (policies.is_array()) {  // the export lists one tree per organization
    if (policies.size() != 1) return (error = "policies: one notification policy tree expected, found " + std::to_string(policies.size()), false);
    policies = policies[0];
  }
  if (!policies.is_object() || !policies.contains("receiver"))
    return (error = "no notification policy tree ('policies' with a root 'receiver')", false);
  rootReceiver = policies.value("receiver", "");
  Json receivers = Json::array({{{"name", rootReceiver}}});  // the root's contact point: see default_contact_point
  std::map<std::string, size_t> index = {{rootReceiver, 0}};
  auto add = [&](const std::string& name, const Json& integ) {
    if (name == rootReceiver) return;
    if (!index.count(name)) {
      index[name] = receivers.size();
      receivers.push_back({{"name", name}});
    }
    auto [key, cfg] = integration(integ);
    Json& r = receivers[index[name]];
    if (!r.contains(key)) r[key] = Json::array();
    r[key].push_back(cfg);
  };
  if (points.is_array())
    for (const auto& cp : points) {
      if (!cp.is_object()) continue;
      if (cp.contains("receivers") && cp["receivers"].is_array())  // export: a contact point lists its integrations
        for (const auto& i : cp["receivers"]) add(cp.value("name", ""), i);
      else
        add(cp.value("name", ""), cp);  // provisioning API: one integration per entry
    }
  Json intervals = Json::array();
  if (timings.is_array())
    for (const auto& t : timings)
      if (t.is_object())
        intervals.push_back({{"name", unmarked(t.value("name", ""))},
                             {"time_intervals", t.contains("time_intervals") ? t["time_intervals"] : Json::array()}});
  Json root = policies;
  stripScopedWindows(root, scoped);
  for (const auto& [w, scope] : scoped) muteEverywhere(root, w);
  Json tree = route(root);
  tree.erase("group_by");  // the root's grouping applies to the alerts no route takes (see below)
  config = {{"route", tree}, {"receivers", receivers}};
  if (!intervals.empty()) config["time_intervals"] = intervals;
  return true;
}

}  // namespace

bool looksLikeRouting(const std::string& text) {
  Json doc;
  std::string err;
  if (!alertmanager::yamlToJson(text, doc, err) || !doc.is_object()) return false;
  for (const char* k : {"contactPoints", "contact_points", "contact-points", "policies", "muteTimes", "mute_timings", "mute-timings"})
    if (doc.contains(k)) return true;
  return false;
}

bool importRouting(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  Json doc, config;
  if (!alertmanager::yamlToJson(text, doc, error)) return false;
  if (!doc.is_object()) return (error = "not Grafana alerting resources (a JSON or YAML object)", false);
  std::string root;
  std::map<std::string, ScopedWindow> scoped;
  try {
    if (!convert(doc, config, root, scoped, error)) return false;
  } catch (const nlohmann::json::exception& e) {
    return (error = std::string("unexpected shape of Grafana alerting resources: ") + e.what(), false);
  }
  if (doc.contains("policies")) {
    const Json& p = doc["policies"].is_array() && !doc["policies"].empty() ? doc["policies"][0] : doc["policies"];
    if (p.is_object() && p.contains("group_by"))
      warnings.push_back("the root policy's group_by (for the alerts no route takes) is not kept; Grafana's default applies");
  }
  alertmanager::ImportFlavor flavor;
  flavor.secretHint = "(Grafana shows it as [REDACTED]; the plan reads the variable)";
  flavor.targetBlock = "target grafana \"grafana\" {\n" +
                       (root == kDefaultContactPoint ? std::string() : "  default_contact_point = " + source::quote(root) + "\n") +
                       "}\n\n";
  try {
    if (!alertmanager::importConfig(yaml(config), &flavor, source, warnings, error)) return false;
    for (const auto& [w, scope] : scoped) {
      const std::string head = "maintenance " + source::quote(unmarked(w)) + " {\n";
      size_t at = source.find(head);
      if (at == std::string::npos) continue;
      auto list = [](const std::set<std::string>& items) {
        std::string out = "[";
        for (const auto& x : items) out += (out.size() > 1 ? ", " : "") + source::quote(x);
        return out + "]";
      };
      std::string lines;
      if (!scope.scopes.empty()) lines += "  scopes = " + list(scope.scopes) + "\n";
      if (!scope.monitors.empty()) lines += "  monitors = " + list(scope.monitors) + "\n";
      source.insert(at + head.size(), lines);
    }
    return true;
  } catch (const YAML::Exception& e) {
    return (error = "unexpected shape of Grafana alerting resources: " + e.msg, false);
  }
}

}  // namespace mon::grafana
