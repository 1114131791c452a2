// The source's routing as an Alertmanager configuration.
//
// - Each channel is a receiver of the same name. Secrets are never values: each `*_env` field
//   becomes Alertmanager's `*_file` field naming `<secrets_dir>/<VARIABLE>`, a file the
//   deployment fills from that variable (Alertmanager does not expand variables itself).
// - The root route sends what nothing else takes to a receiver that notifies nobody, so an
//   alert without a route is dropped, as the checker's warning says.
// - Monitors that name channels come first, as routes on their alert names that continue;
//   then the source's routes in order, each with its `continue`. A route with several scopes
//   becomes one route per scope; one with several channels, a route whose children (one per
//   channel, each continuing) share its matchers and grouping.
// - Maintenance windows are time intervals. Alertmanager does not pass mute_time_intervals
//   down to child routes, so every route that notifies lists the windows itself; a window
//   with scopes or monitors becomes a child route with those matchers that is muted.
// - One inhibit rule: a critical alert silences the warning of the same alert and instance.
#include <algorithm>
#include <cstdio>

#include "alertmanager/alertmanager.h"

namespace mon::alertmanager {

const char* const kUnrouted = "monitorc-unrouted";

namespace {

using Json = ir::Json;
using Strings = std::vector<std::string>;


std::string regexEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string join(const Strings& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The alerts of these monitors: "name" or "name (aspect)" (backends/prometheus/rules.cpp).
std::string alertnameMatcher(const Strings& monitors) {
  Strings escaped;
  for (const auto& m : monitors) escaped.push_back(regexEscape(m));
  return "alertname=~" + matcherValue("(" + join(escaped, "|") + ")( \\(.*\\))?");
}

Strings scopeMatchers(const std::string& scope) {
  auto colon = scope.find(':');
  if (colon == std::string::npos) return {"service=" + matcherValue(scope)};
  return {"service=" + matcherValue(scope.substr(0, colon)), "role=" + matcherValue(scope.substr(colon + 1))};
}

std::string duration(long long seconds) {
  if (seconds == 0) return "0s";
  std::string out;
  for (auto [unit, size] : {std::pair{"h", 3600LL}, {"m", 60LL}, {"s", 1LL}})
    if (seconds >= size) {
      out += std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  return out;
}

// --- receivers ---

Json receiver(const ir::Channel& c, const ir::Target& t) {
  const ir::Props& p = c.props;
  Json cfg = Json::object();
  auto copy = [&](const char* from, const char* to) {
    if (const ir::Prop* x = p.find(from)) cfg[to] = x->value;
  };
  auto secret = [&](const char* from, const char* to) {
    if (std::string env = p.str(from); !env.empty()) cfg[to] = secretFile(t, env);
  };
  Json r = {{"name", c.name}};
  if (c.kind == "email") {
    Strings to;
    for (const auto& a : p.find("to")->value) to.push_back(a.get<std::string>());
    cfg["to"] = join(to, ", ");
    copy("from", "from");
    copy("smarthost", "smarthost");
    copy("auth_username", "auth_username");
    secret("auth_password_env", "auth_password_file");
    copy("send_resolved", "send_resolved");
    r["email_configs"] = Json::array({cfg});
  } else if (c.kind == "slack") {
    secret("api_url_env", "api_url_file");
    copy("channel", "channel");
    copy("title", "title");
    copy("text", "text");
    copy("send_resolved", "send_resolved");
    r["slack_configs"] = Json::array({cfg});
  } else if (c.kind == "webhook") {
    copy("url", "url");
    if (std::string env = p.str("bearer_token_env"); !env.empty())
      cfg["http_config"] = {{"authorization", {{"type", "Bearer"}, {"credentials_file", secretFile(t, env)}}}};
    if (const ir::Prop* x = p.find("max_alerts")) cfg["max_alerts"] = x->value.get<long long>();
    copy("send_resolved", "send_resolved");
    r["webhook_configs"] = Json::array({cfg});
  } else if (c.kind == "pagerduty") {
    secret("routing_key_env", "routing_key_file");
    copy("url", "url");
    copy("send_resolved", "send_resolved");
    r["pagerduty_configs"] = Json::array({cfg});
  }
  return r;
}

// --- maintenance windows ---

const char* const kWeekdays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
const char* const kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                               "july",    "august",   "september", "october", "november", "december"};

std::string clock(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

// Civil date of a day number (days since 1970-01-01; Howard Hinnant's civil_from_days).
void civil(long z, int& y, int& m, int& d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

long dayNumber(const ir::LocalTime& t) {
  int y = t.year, m = t.month;
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + t.day - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

Json timeInterval(const ir::Maintenance& w) {
  Json spans = Json::array();
  if (w.weekly) {
    Json days = Json::array();
    for (int d : w.weekdays) days.push_back(kWeekdays[d]);
    spans.push_back({{"weekdays", days},
                     {"times", Json::array({{{"start_time", clock(w.start.minute)}, {"end_time", clock(w.end.minute)}}})},
                     {"location", w.timeZone}});
  } else {
    // A one-off window: one span per calendar day it touches, each pinned to its date.
    long first = dayNumber(w.start), last = dayNumber(w.end);
    for (long day = first; day <= last; ++day) {
      int from = day == first ? w.start.minute : 0, to = day == last ? w.end.minute : 1440;
      if (to <= from) continue;
      int y, m, d;
      civil(day, y, m, d);
      spans.push_back({{"times", Json::array({{{"start_time", clock(from)}, {"end_time", clock(to)}}})},
                       {"days_of_month", Json::array({std::to_string(d)})},
                       {"months", Json::array({kMonths[m - 1]})},
                       {"years", Json::array({std::to_string(y)})},
                       {"location", w.timeZone}});
    }
  }
  return {{"name", w.name}, {"time_intervals", spans}};
}

bool scoped(const ir::Maintenance& w) { return !w.scopes.empty() || !w.monitors.empty(); }

// The matcher sets of a scoped window (one per scope, each with its monitors).
std::vector<Strings> windowMatchers(const ir::Maintenance& w) {
  std::vector<Strings> out;
  Strings base;
  if (!w.monitors.empty()) base.push_back(alertnameMatcher(w.monitors));
  if (w.scopes.empty()) return {base};
  for (const auto& s : w.scopes) {
    Strings m = base;
    for (auto& x : scopeMatchers(s)) m.push_back(x);
    out.push_back(m);
  }
  return out;
}

// --- routes ---

class TreeBuilder {
 public:
  explicit TreeBuilder(const ir::Module& m) : m_(m) {
    for (const auto& w : m.maintenances) (scoped(w) ? scopedWindows_ : everywhere_).push_back(&w);
  }

  // A route that notifies `channel`, muted in every window that covers it.
  Json leaf(const std::string& channel, bool continues) const {
    Json r = {{"receiver", channel}};
    if (continues) r["continue"] = true;
    Strings mutes;
    for (const auto* w : everywhere_) mutes.push_back(w->name);
    if (!mutes.empty()) r["mute_time_intervals"] = mutes;
    Json children = Json::array();
    for (const auto* w : scopedWindows_)
      for (const Strings& matchers : windowMatchers(*w)) {
        Strings all = mutes;
        all.push_back(w->name);
        children.push_back({{"matchers", matchers}, {"receiver", channel}, {"mute_time_intervals", all}});
      }
    if (!children.empty()) r["routes"] = children;
    return r;
  }

  // A route on `matchers` that notifies `channels` (a leaf, or a parent of one leaf per channel).
  // No channels (`channels = []`): the alerts it takes notify nobody.
  Json route(const Strings& matchers, const Strings& channels, bool continues) const {
    if (channels.size() <= 1) {
      Json r = channels.empty() ? Json{{"receiver", kUnrouted}} : leaf(channels[0], continues);
      if (channels.empty() && continues) r["continue"] = true;
      if (!matchers.empty()) insertFront(r, "matchers", matchers);
      return r;
    }
    Json r = Json::object();
    if (!matchers.empty()) r["matchers"] = matchers;
    r["receiver"] = channels.front();  // every alert goes on to the children below
    if (continues) r["continue"] = true;
    r["routes"] = Json::array();
    for (const auto& c : channels) r["routes"].push_back(leaf(c, true));
    return r;
  }

  Json tree() const {
    Json routes = Json::array();
    for (const auto& mon : m_.monitors)
      if (!mon.channels.empty()) routes.push_back(route({alertnameMatcher({mon.name})}, mon.channels, true));
    for (const auto& r : m_.routes) {
      Strings base;
      if (r.severities.size() == 1) base.push_back("severity=" + matcherValue(r.severities[0]));
      else if (!r.severities.empty()) base.push_back("severity=~" + matcherValue(join(r.severities, "|")));
      for (const auto& [k, v] : r.match) base.push_back(k + "=" + matcherValue(v));
      if (!r.monitors.empty()) base.push_back(alertnameMatcher(r.monitors));
      std::vector<Strings> perScope;
      if (r.scopes.empty()) perScope.push_back(base);
      for (const auto& s : r.scopes) {
        Strings m = base;
        for (auto& x : scopeMatchers(s)) m.push_back(x);
        perScope.push_back(m);
      }
      for (const Strings& matchers : perScope) {
        Json out = route(matchers, r.channels, r.continues);
        if (!r.groupBy.empty()) out["group_by"] = r.groupBy;
        for (const char* k : {"group_wait", "group_interval", "repeat_interval"})
          if (const ir::Prop* p = r.props.find(k)) out[k] = duration(p->value.get<long long>());
        moveToEnd(out, "routes");
        routes.push_back(std::move(out));
      }
    }
    Json root = {{"receiver", kUnrouted}};
    if (!routes.empty()) root["routes"] = routes;
    return root;
  }

 private:
  // Child routes read best after the settings of the route they belong to.
  static void moveToEnd(Json& r, const char* key) {
    if (!r.contains(key)) return;
    Json v = std::move(r[key]);
    r.erase(key);
    r[key] = std::move(v);
  }

  // Matchers read best first, before the receiver settings.
  static void insertFront(Json& r, const char* key, const Strings& value) {
    Json out = {{key, value}};
    for (auto it = r.begin(); it != r.end(); ++it) out[it.key()] = it.value();
    r = std::move(out);
  }

  const ir::Module& m_;
  std::vector<const ir::Maintenance*> everywhere_, scopedWindows_;
};

}  // namespace

std::string matcherValue(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string secretFile(const ir::Target& target, const std::string& env) {
  std::string dir = target.props.str("secrets_dir", "/etc/alertmanager/secrets");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/" + env;
}

Json config(const ir::Module& module, const ir::Target& target, DiagEngine& /*diags*/) {
  Json cfg = Json::object();
  Json global = Json::object();
  if (std::string from = target.props.str("smtp_from"); !from.empty()) global["smtp_from"] = from;
  if (std::string host = target.props.str("smtp_smarthost"); !host.empty()) global["smtp_smarthost"] = host;
  if (!global.empty()) cfg["global"] = global;
  cfg["route"] = TreeBuilder(module).tree();
  const ir::Prop* inhibit = target.props.find("inhibit_warning_on_critical");
  if (!inhibit || inhibit->value == true)
    cfg["inhibit_rules"] = Json::array({{{"source_matchers", Json::array({"severity=\"critical\""})},
                                         {"target_matchers", Json::array({"severity=\"warning\""})},
                                         {"equal", Json::array({"alertname", "instance"})}}});
  Json receivers = Json::array({{{"name", kUnrouted}}});
  for (const auto& c : module.channels) receivers.push_back(receiver(c, target));
  cfg["receivers"] = receivers;
  if (!module.maintenances.empty()) {
    cfg["time_intervals"] = Json::array();
    for (const auto& w : module.maintenances) cfg["time_intervals"].push_back(timeInterval(w));
  }
  return cfg;
}

}  // namespace mon::alertmanager
