// The source's routing as Grafana alerting resources (routing.h). The policy tree is the one
// the Alertmanager backend builds (alertmanager/config.cpp: Grafana's notification policies are
// Alertmanager routes), with its matchers as Grafana's object_matchers and its receivers as the
// contact points made from the channels; its time intervals are the mute timings.
#include "grafana/routing.h"

#include <algorithm>

#include "alertmanager/alertmanager.h"
#include "alertmanager/config_view.h"
#include "prometheus/targets.h"

namespace mon::grafana {

namespace {

using Json = ir::Json;

std::string kTarget = "grafana";

void drops(DiagEngine& diags, const ir::Channel& c, const ir::Target& t, const char* field, const std::string& why) {
  diags.report(c.props.rangeOf(field, c.nameRange), diag::warn_target_drops_field, {field, "channel", c.name, kTarget, t.name, why});
}

// One channel as one contact point (an integration of Grafana's type of the same name).
Json contactPoint(const ir::Channel& c, const ir::Target& t, DiagEngine& diags) {
  const ir::Props& p = c.props;
  Json settings = Json::object(), secure = Json::object();
  auto copy = [&](const char* from, const char* to) {
    if (const ir::Prop* x = p.find(from)) settings[to] = x->value;
  };
  auto secret = [&](const char* from, const char* to) {
    if (std::string env = p.str(from); !env.empty()) secure[to] = env;
  };
  if (c.kind == "email") {
    std::string to;
    if (const ir::Prop* x = p.find("to"))
      for (const auto& a : x->value) to += (to.empty() ? "" : ";") + a.get<std::string>();
    settings["addresses"] = to;
    settings["singleEmail"] = false;
    // One warning for the SMTP settings, at the first of them.
    std::string smtp;
    const char* first = nullptr;
    for (const char* f : {"from", "smarthost", "auth_username", "auth_password_env"})
      if (p.has(f)) {
        smtp += (smtp.empty() ? "" : ", ") + std::string(f);
        if (!first) first = f;
      }
    if (first) {
      const ir::Prop* x = p.find(first);
      diags.report(x->range, diag::warn_target_drops_field,
                   {smtp, "channel", c.name, kTarget, t.name, "Grafana sends email through its server's [smtp] settings"});
    }
  } else if (c.kind == "slack") {
    secret("api_url_env", "url");
    copy("channel", "recipient");
    copy("title", "title");
    copy("text", "text");
  } else if (c.kind == "webhook") {
    copy("url", "url");
    settings["httpMethod"] = "POST";
    if (const ir::Prop* x = p.find("max_alerts")) settings["maxAlerts"] = x->value;
    if (p.has("bearer_token_env")) {
      settings["authorization_scheme"] = "Bearer";
      secret("bearer_token_env", "authorization_credentials");
    }
  } else if (c.kind == "pagerduty") {
    secret("routing_key_env", "integrationKey");
    if (p.has("url")) drops(diags, c, t, "url", "Grafana's PagerDuty integration sends to PagerDuty's Events API");
  }
  Json cp = {{"uid", contactPointUid(c.name)}, {"name", c.name}, {"type", c.kind}, {"settings", settings}};
  const ir::Prop* resolved = p.find("send_resolved");
  cp["disableResolveMessage"] = resolved && resolved->value.is_boolean() && !resolved->value.get<bool>();
  if (!secure.empty()) cp[kSecureKey] = secure;
  return cp;
}

std::string marked(const std::string& window) { return window + std::string(kMuteTimingMarker); }

// An Alertmanager route as a Grafana policy: object_matchers, contact points by channel name,
// mute timings by their marked names. A route to nobody (`channels = []`) has no contact point
// to name: it is left out (reported at the route by buildRouting).
bool policy(const Json& route, const std::string& rootReceiver, bool root, Json& out) {
  out = Json::object();
  std::string receiver = route.value("receiver", "");
  if (receiver == alertmanager::kUnrouted) {
    if (!root) return false;
    receiver = rootReceiver;
  }
  out["receiver"] = receiver;
  if (route.contains("matchers")) {
    Json om = Json::array();
    for (const auto& m : route["matchers"]) {
      alertmanager::Matcher x;
      std::string err;
      if (alertmanager::parseMatcher(m.get<std::string>(), x, err)) om.push_back(Json::array({x.name, x.op, x.value}));
    }
    // One order for the same matchers, whichever way the source wrote them (and imported
    // source writes them sorted), so a round trip compares equal.
    std::sort(om.begin(), om.end());
    out["object_matchers"] = om;
  }
  for (const char* k : {"continue", "group_by", "group_wait", "group_interval", "repeat_interval"})
    if (route.contains(k)) out[k] = route[k];
  if (route.contains("mute_time_intervals")) {
    Json names = Json::array();
    for (const auto& n : route["mute_time_intervals"]) names.push_back(marked(n.get<std::string>()));
    out["mute_time_intervals"] = names;
  }
  Json children = Json::array();
  if (root) children.push_back({{"receiver", receiver}, {"object_matchers", Json::array({Json::array({std::string(kTreeMarkerLabel), "=", "true"})})}});
  if (route.contains("routes"))
    for (const auto& r : route["routes"]) {
      Json child;
      if (policy(r, rootReceiver, false, child)) children.push_back(std::move(child));
    }
  if (!children.empty()) out["routes"] = children;
  return true;
}

}  // namespace

std::string contactPointUid(const std::string& channel) {
  return std::string(kContactPointUidPrefix) + targets::hashHex(channel);
}

bool ownedContactPoint(const Json& cp) {
  return cp.is_object() && cp.value("uid", "").rfind(std::string(kContactPointUidPrefix), 0) == 0;
}

bool ownedMuteTiming(const std::string& name) {
  return name.size() > kMuteTimingMarker.size() &&
         name.compare(name.size() - kMuteTimingMarker.size(), kMuteTimingMarker.size(), kMuteTimingMarker) == 0;
}

bool ownedTree(const Json& tree) {
  if (!tree.is_object() || !tree.contains("routes") || !tree["routes"].is_array() || tree["routes"].empty()) return false;
  const Json& first = tree["routes"][0];
  return first.is_object() && first.contains("object_matchers") &&
         first["object_matchers"] == Json::array({Json::array({std::string(kTreeMarkerLabel), "=", "true"})});
}

std::string routingDir(const std::string& target) { return "grafana/" + targets::fileSafe(target) + "/alerting/"; }

void buildRouting(const ir::Module& m, const ir::Target& t, DiagEngine& diags, OutputFiles& out) {
  const ir::Prop* on = t.props.find("routing");
  if (on && on->value.is_boolean() && !on->value.get<bool>()) return;
  if (m.channels.empty() && m.routes.empty() && m.maintenances.empty()) return;
  const std::string root = t.props.str("default_contact_point", std::string(kDefaultContactPoint));
  Json points = Json::array();
  for (const auto& c : m.channels) {
    if (c.name == root)
      diags.report(c.nameRange, diag::err_target_cannot_express,
                   {"channel", c.name, kTarget, t.name, "the name is the target's default_contact_point, which monitorc does not own"});
    points.push_back(contactPoint(c, t, diags));
  }
  for (const auto& r : m.routes)
    if (r.channels.empty())
      diags.report(r.nameRange, diag::warn_target_drops_field,
                   {"channels = []", "route", r.name, kTarget, t.name,
                    "a Grafana policy needs a contact point; the route is left out, so its alerts go on to the routes below"});
  Json cfg = alertmanager::config(m, t, diags);
  Json tree;
  policy(cfg["route"], root, true, tree);
  Json timings = Json::array();
  if (cfg.contains("time_intervals"))
    for (const auto& ti : cfg["time_intervals"])
      timings.push_back({{"name", marked(ti.value("name", ""))}, {"time_intervals", ti["time_intervals"]}});
  const std::string dir = routingDir(t.name);
  out[dir + "contact-points.json"] = points.dump(2) + "\n";
  out[dir + "policies.json"] = tree.dump(2) + "\n";
  out[dir + "mute-timings.json"] = timings.dump(2) + "\n";
}

}  // namespace mon::grafana
