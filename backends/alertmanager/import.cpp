// `monitorc import alertmanager alertmanager.yml`: an Alertmanager configuration as the
// source's portable routing (channels, routes, maintenance windows, the target's settings).
//
// - A receiver is a channel of the same name (one with several integrations, one channel per
//   integration: "name", "name 2", ...). A secret written in the file is not kept: the channel
//   names an environment variable instead, and a warning says which one to set. A secret read
//   from a file (*_file) maps back to the variable named like the file, in secrets_dir.
//   A receiver without integrations notifies nobody: routes to it have `channels = []`.
// - The route tree becomes the source's ordered list of routes: every node's children first
//   (each with its ancestors' matchers and grouping), then the node itself with its receiver (its
//   parent's when it names none), which takes what no child took. That order is the
//   tree's exactly when no node with children continues and no node with children has a
//   continuing child; a warning names each node where it is not.
// - Matchers: `=` is `match` (severity critical, warning or info goes to `severity`); `=~` with literal alternatives
//   ("a|b") is one route per alternative. Any other regex and every negative matcher cannot be
//   expressed: that route and its children are left out, with a warning at the matcher.
// - Time intervals that every notifying route mutes are maintenance windows (weekly, or one-off
//   days as build writes them); inhibit rules are kept only as the one rule the target's
//   inhibit_warning_on_critical writes. Everything else is a warning at its line.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "alertmanager/alertmanager.h"
#include "alertmanager/config_view.h"
#include "alertmanager/import_config.h"
#include "prometheus/mon_source.h"
#include "prometheus/yaml_input.h"

namespace mon::alertmanager {

namespace {

using Strings = std::vector<std::string>;

std::string at(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return "";
  return std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": ";
}

std::string q(const std::string& s) { return source::quote(s); }

std::string list(const Strings& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + q(items[i]);
  return out + "]";
}

// Alertmanager's duration ("1h30m", "90s", "1d") in seconds; -1 when malformed or not whole seconds.
long long seconds(const std::string& s) {
  long long ms = prometheus::parseDurationMs(s);
  return ms < 0 || ms % 1000 != 0 ? -1 : ms / 1000;
}

bool literal(const std::string& s) {
  return s.find_first_of("\\.+*?()|[]{}^$") == std::string::npos;
}

bool varName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string envFrom(const std::string& a, const std::string& b) {
  std::string out;
  for (char c : a + "_" + b) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  return out;
}

// One alternative of a route's conditions: label -> value, all must hold.
using Conds = std::map<std::string, std::string>;

struct Grouping {
  Strings groupBy;
  bool groupBySet = false;
  std::map<std::string, long long> intervals;  // group_wait, group_interval, repeat_interval
};

struct FlatRoute {
  std::vector<Conds> alternatives;  // one route each
  Strings channels;
  bool continues = false;
  Grouping grouping;
  std::set<std::string> mutes;
  std::string at;  // where in the file it comes from
};

class Importer {
 public:
  Importer(std::vector<std::string>& warnings, const ImportFlavor* flavor) : warnings_(warnings), flavor_(flavor) {}

  bool run(const YAML::Node& root, std::string& source, std::string& error);

 private:
  void warn(const YAML::Node& n, const std::string& what) { warnings_.push_back(at(n) + what); }

  void target(const YAML::Node& root);
  void receiver(const YAML::Node& r);
  std::string secretEnv(const YAML::Node& cfg, const std::string& receiver, const char* field, const char* fileField);
  bool conditions(const YAML::Node& route, std::vector<Conds>& out);
  void flatten(const YAML::Node& route, const std::vector<Conds>& inherited, const Grouping& parentGrouping,
               const std::string& parentReceiver, bool root);
  void intervals(const YAML::Node& root);
  void inhibitRules(const YAML::Node& root);

  std::vector<std::string>& warnings_;
  const ImportFlavor* flavor_;  // null: Alertmanager's own file
  std::string channels_, targetBlock_, windows_;
  std::map<std::string, Strings> receiverChannels_;  // receiver -> its channels (empty: nobody)
  std::set<std::string> knownReceivers_;
  std::vector<FlatRoute> routes_;
  std::string secretsDir_;
  bool secretsDirMixed_ = false;
  bool inhibitDefault_ = false;
};

std::string Importer::secretEnv(const YAML::Node& cfg, const std::string& receiver, const char* field,
                                const char* fileField) {
  if (cfg[field]) {
    std::string env = envFrom(receiver, field);
    warn(cfg[field], "receiver '" + receiver + "': the " + field + " written in the file is not kept; set environment variable " +
                         env + " to it " + (flavor_ ? flavor_->secretHint : "(and give Alertmanager the file <secrets_dir>/" + env + ")"));
    return env;
  }
  if (!cfg[fileField]) return "";
  std::string path = cfg[fileField].Scalar();
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash), base = path.substr(slash + 1);
  if (secretsDir_.empty()) secretsDir_ = dir;
  else if (secretsDir_ != dir && !secretsDirMixed_) {
    secretsDirMixed_ = true;
    warn(cfg[fileField], "receiver '" + receiver + "': secret files in more than one directory; the source reads them all from " +
                             secretsDir_ + " (secrets_dir), so move " + path + " there");
  }
  if (!varName(base)) {
    std::string env = envFrom(receiver, field);
    warn(cfg[fileField], "receiver '" + receiver + "': the secret file '" + base +
                             "' is not named like an environment variable; the channel names " + env +
                             ", read from <secrets_dir>/" + env);
    return env;
  }
  return base;
}

void Importer::receiver(const YAML::Node& r) {
  std::string name = r["name"] ? r["name"].Scalar() : "";
  if (name.empty()) {
    warn(r, "a receiver without a name is left out");
    return;
  }
  knownReceivers_.insert(name);
  Strings& channels = receiverChannels_[name];
  static const std::set<std::string> kinds = {"email_configs", "slack_configs", "webhook_configs", "pagerduty_configs"};
  for (const auto& kv : r) {
    std::string key = kv.first.Scalar();
    if (key == "name") continue;
    if (!kinds.count(key)) {
      warn(kv.first, "receiver '" + name + "': " + key + " cannot be expressed (channels are email, slack, webhook and pagerduty); left out, so "
                           "what it alone received notifies nobody");
      continue;
    }
    for (const auto& cfg : kv.second) {
      std::string channel = channels.empty() ? name : name + " " + std::to_string(channels.size() + 1);
      std::string kind = key.substr(0, key.find('_')), body;
      std::set<std::string> used = {"send_resolved"};
      auto field = [&](const char* from, const char* to) {
        used.insert(from);
        if (cfg[from]) body += std::string("  ") + to + " = " + q(cfg[from].Scalar()) + "\n";
      };
      auto env = [&](const char* secret, const char* file, const char* to) {
        used.insert(secret);
        used.insert(file);
        std::string v = secretEnv(cfg, name, secret, file);
        if (!v.empty()) body += std::string("  ") + to + " = " + q(v) + "\n";
        return !v.empty();
      };
      if (kind == "email") {
        used.insert("to");
        Strings to;
        std::string all = cfg["to"] ? cfg["to"].Scalar() : "";
        for (size_t i = 0; i <= all.size();) {
          size_t comma = std::min(all.find(',', i), all.size());
          std::string a = all.substr(i, comma - i);
          a.erase(0, a.find_first_not_of(' '));
          while (!a.empty() && a.back() == ' ') a.pop_back();
          if (!a.empty()) to.push_back(a);
          i = comma + 1;
        }
        body += "  to = " + list(to) + "\n";
        field("from", "from");
        field("smarthost", "smarthost");
        field("auth_username", "auth_username");
        env("auth_password", "auth_password_file", "auth_password_env");
      } else if (kind == "slack") {
        field("channel", "channel");
        if (!env("api_url", "api_url_file", "api_url_env"))
          warn(cfg, "receiver '" + name + "': a slack integration without api_url reads the global slack_api_url, which is not kept; "
                    "the channel reads environment variable " + envFrom(name, "api_url"));
        if (!cfg["api_url"] && !cfg["api_url_file"]) body += "  api_url_env = " + q(envFrom(name, "api_url")) + "\n";
        if (!cfg["channel"]) body += "  channel = \"\"\n";
        field("title", "title");
        field("text", "text");
      } else if (kind == "webhook") {
        field("url", "url");
        used.insert("http_config");
        if (cfg["http_config"]) {
          YAML::Node auth = cfg["http_config"]["authorization"];
          if (auth && cfg["http_config"].size() == 1 && (!auth["type"] || auth["type"].Scalar() == "Bearer")) {
            std::string v = secretEnv(auth, name, "credentials", "credentials_file");
            if (!v.empty()) body += "  bearer_token_env = " + q(v) + "\n";
          } else
            warn(cfg["http_config"], "receiver '" + name + "': http_config other than a bearer token cannot be expressed; left out");
        }
        used.insert("max_alerts");
        if (cfg["max_alerts"]) body += "  max_alerts = " + cfg["max_alerts"].Scalar() + "\n";
      } else {
        env("routing_key", "routing_key_file", "routing_key_env");
        field("url", "url");
      }
      if (cfg["send_resolved"]) body += "  send_resolved = " + std::string(cfg["send_resolved"].as<bool>(false) ? "true" : "false") + "\n";
      for (const auto& f : cfg)
        if (!used.count(f.first.Scalar()))
          warn(f.first, "receiver '" + name + "': " + key + " field " + f.first.Scalar() + " cannot be expressed; left out");
      channels_ += "channel " + kind + " " + q(channel) + " {\n" + body + "}\n\n";
      channels.push_back(channel);
    }
  }
}

// The alternatives a route's matchers allow (several when a regex lists literal values); false
// when they cannot be expressed (a warning says why).
bool Importer::conditions(const YAML::Node& route, std::vector<Conds>& out) {
  std::vector<std::pair<std::string, Strings>> each;  // label -> values any of which
  auto add = [&](const YAML::Node& where, const std::string& name, const std::string& op, const std::string& value) {
    if (op == "=") {
      each.push_back({name, {value}});
      return true;
    }
    if (op == "=~") {
      // Alertmanager anchors the regex whole, so "(a|b)" is "a|b".
      std::string v = value;
      if (v.size() >= 2 && v.front() == '(' && v.back() == ')') {
        std::string inner = v.substr(1, v.size() - 2);
        bool plain = std::all_of(inner.begin(), inner.end(), [](char c) { return c == '|' || literal(std::string(1, c)); });
        if (plain) v = inner;
      }
      const std::string& value = v;
      Strings alts;
      for (size_t i = 0; i <= value.size();) {
        size_t bar = std::min(value.find('|', i), value.size());
        alts.push_back(value.substr(i, bar - i));
        i = bar + 1;
      }
      if (std::all_of(alts.begin(), alts.end(), literal)) {
        each.push_back({name, alts});
        return true;
      }
      warn(where, "the regex matcher on '" + name + "' is not a list of values (\"a|b\"); routes match labels by value only, so "
                  "this route and the routes under it are left out");
      return false;
    }
    warn(where, "the negative matcher '" + name + op + "' cannot be expressed (routes match labels by value only); this route "
                "and the routes under it are left out");
    return false;
  };
  if (YAML::Node ms = route["matchers"]) {
    for (const auto& m : ms) {
      Matcher x;
      std::string err;
      if (!parseMatcher(m.Scalar(), x, err)) {
        warn(m, "matcher " + q(m.Scalar()) + ": " + err + "; this route and the routes under it are left out");
        return false;
      }
      if (!add(m, x.name, x.op, x.value)) return false;
    }
  }
  for (auto [key, op] : {std::pair{"match", "="}, {"match_re", "=~"}})
    if (YAML::Node ms = route[key])
      for (const auto& kv : ms)
        if (!add(kv.second, kv.first.Scalar(), op, kv.second.Scalar())) return false;
  out = {Conds{}};
  for (const auto& [label, values] : each) {
    std::vector<Conds> next;
    for (const auto& c : out)
      for (const auto& v : values) {
        Conds d = c;
        auto it = d.find(label);
        if (it != d.end() && it->second != v) continue;  // both cannot hold
        d[label] = v;
        next.push_back(d);
      }
    out = next;
    if (out.size() > 64) {
      warn(route, "the matchers of this route make more than 64 value combinations; it and the routes under it are left out");
      return false;
    }
  }
  if (out.empty()) warn(route, "this route's matchers can never all hold; it and the routes under it are left out");
  return !out.empty();
}

void Importer::flatten(const YAML::Node& route, const std::vector<Conds>& inherited, const Grouping& parentGrouping,
                       const std::string& parentReceiver, bool root) {
  std::vector<Conds> own = {Conds{}};
  if (!root && !conditions(route, own)) return;  // Alertmanager ignores the root's matchers
  std::vector<Conds> all;
  for (const auto& a : inherited)
    for (const auto& b : own) {
      Conds c = a;
      bool ok = true;
      for (const auto& [k, v] : b) {
        auto it = c.find(k);
        if (it != c.end() && it->second != v) ok = false;
        c[k] = v;
      }
      if (ok) all.push_back(c);
    }
  if (all.empty()) {
    warn(route, "this route can never match under its parent's matchers; it and the routes under it are left out");
    return;
  }
  Grouping g = parentGrouping;
  if (YAML::Node gb = route["group_by"]) {
    g.groupBy.clear();
    g.groupBySet = true;
    for (const auto& l : gb) g.groupBy.push_back(l.Scalar());
    if (std::find(g.groupBy.begin(), g.groupBy.end(), "...") != g.groupBy.end())
      warn(gb, "group_by ['...'] (group by every label) cannot be expressed; the routes group by nothing instead");
  }
  for (const char* k : {"group_wait", "group_interval", "repeat_interval"})
    if (YAML::Node d = route[k]) {
      long long s = seconds(d.Scalar());
      if (s < 0 || (s == 0 && std::string(k) != "group_wait")) warn(d, std::string(k) + " " + q(d.Scalar()) + " is not a duration in seconds; left out");
      else g.intervals[k] = s;
    }
  std::string receiver = route["receiver"] ? route["receiver"].Scalar() : parentReceiver;
  if (!knownReceivers_.count(receiver)) {
    warn(route["receiver"] ? route["receiver"] : route, "no receiver named '" + receiver + "'; this route is left out");
    return;
  }
  bool continues = !root && route["continue"] && route["continue"].as<bool>(false);
  YAML::Node children = route["routes"];
  if (children && !children.IsSequence()) {
    warn(children, "routes is not a list of routes; left out");
    children = YAML::Node();
  }
  bool hasChildren = children && children.size() > 0;
  if (hasChildren && continues)
    warn(route["continue"], "a route with child routes that continues cannot be expressed exactly: once a child takes an alert, "
                            "later routes see it only when that child continues");
  // Children without matchers that all continue and have no children of their own all take
  // every alert of this route: one route to all their channels (build writes a route with
  // several channels so).
  bool fanOut = hasChildren;
  if (hasChildren)
    for (const auto& c : children)
      fanOut = fanOut && !c["matchers"] && !c["match"] && !c["match_re"] && !c["routes"] && c["continue"] &&
               c["continue"].as<bool>(false) && c["receiver"] && knownReceivers_.count(c["receiver"].Scalar());
  if (fanOut) {
    FlatRoute f;
    f.alternatives = all;
    f.continues = continues;
    f.grouping = g;
    f.at = at(route);
    bool first = true;
    for (const auto& c : children) {
      for (const auto& ch : receiverChannels_[c["receiver"].Scalar()]) f.channels.push_back(ch);
      std::set<std::string> mutes;
      if (YAML::Node m = c["mute_time_intervals"])
        for (const auto& n : m) mutes.insert(n.Scalar());
      if (first) f.mutes = mutes;
      else {
        std::set<std::string> both;
        for (const auto& x : mutes)
          if (f.mutes.count(x)) both.insert(x);
        f.mutes = both;
      }
      first = false;
      for (const char* k : {"group_by", "group_wait", "group_interval", "repeat_interval", "active_time_intervals"})
        if (c[k]) warn(c[k], std::string(k) + " on a route that only fans out to several receivers is not kept (its parent's applies)");
    }
    routes_.push_back(std::move(f));
    return;
  }
  bool continuingChild = false;
  if (hasChildren)
    for (const auto& c : children) {
      continuingChild = continuingChild || (c["continue"] && c["continue"].as<bool>(false));
      flatten(c, all, g, receiver, false);
    }
  if (route["active_time_intervals"])
    warn(route["active_time_intervals"], "active_time_intervals cannot be expressed (maintenance windows only mute); left out");
  // The node's own receiver takes what no child took: after its children.
  if (root && receiverChannels_[receiver].empty()) return;  // nobody: as the source's own unrouted alerts
  if (hasChildren && continuingChild)
    warn(route, "receiver '" + receiver + "' of this route gets the alerts a continuing child route took as well after import "
                "(the source has no 'only when no route above matched')");
  FlatRoute f;
  f.alternatives = all;
  f.channels = receiverChannels_[receiver];
  f.continues = continues;
  f.grouping = g;
  f.at = at(route);
  if (YAML::Node m = route["mute_time_intervals"])
    for (const auto& n : m) f.mutes.insert(n.Scalar());
  routes_.push_back(std::move(f));
}

const char* const kWeekdayNames[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
const char* const kMonthNames[] = {"january", "february", "march",     "april",   "may",      "june",
                                   "july",    "august",   "september", "october", "november", "december"};

int indexOf(const char* const* names, int count, const std::string& s) {
  std::string low;
  for (char c : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < count; ++i)
    if (low == names[i]) return i;
  return -1;
}

bool singleInt(const YAML::Node& n, int& out, const char* const* names = nullptr, int count = 0) {
  if (!n || !n.IsSequence() || n.size() != 1) return false;
  std::string s = n[0].Scalar();
  if (names) {
    int i = indexOf(names, count, s);
    if (i >= 0) return (out = i + 1, true);
  }
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  out = std::stoi(s);
  return true;
}

// "HH:MM" start and end of a span's one time range (the whole day when it has none).
bool spanTimes(const YAML::Node& span, std::string& start, std::string& end) {
  YAML::Node t = span["times"];
  if (!t) return (start = "00:00", end = "24:00", true);
  if (!t.IsSequence() || t.size() != 1 || !t[0]["start_time"] || !t[0]["end_time"]) return false;
  start = t[0]["start_time"].Scalar();
  end = t[0]["end_time"].Scalar();
  return true;
}

long days(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
}

// A time interval as a maintenance block's fields; "" with `why` when it is not one.
std::string windowFields(const YAML::Node& spans, std::string& why) {
  if (!spans || !spans.IsSequence() || spans.size() == 0) return (why = "it has no time ranges", "");
  std::string zone = spans[0]["location"] ? spans[0]["location"].Scalar() : "UTC";
  for (const auto& s : spans)
    if ((s["location"] ? s["location"].Scalar() : "UTC") != zone) return (why = "its ranges are in different time zones", "");
  if (zone == "Local") return (why = "location 'Local' (the Alertmanager host's zone) cannot be expressed", "");
  std::string tz = "  time_zone = " + source::quote(zone) + "\n";
  const YAML::Node& first = spans[0];
  if (spans.size() == 1 && first["weekdays"] && !first["days_of_month"] && !first["months"] && !first["years"]) {
    std::string start, end;
    if (!spanTimes(first, start, end)) return (why = "a weekly window has one time range", "");
    Strings names;
    for (const auto& w : first["weekdays"]) {
      std::string v = w.Scalar();
      size_t colon = v.find(':');
      int a = indexOf(kWeekdayNames, 7, v.substr(0, colon)), b = colon == std::string::npos ? a : indexOf(kWeekdayNames, 7, v.substr(colon + 1));
      if (a < 0 || b < 0) return (why = "weekday '" + v + "' is not one", "");
      for (int d = a;; d = (d + 1) % 7) {
        names.push_back(kWeekdayNames[d]);
        if (d == b) break;
      }
    }
    std::string out = "  weekdays = [";
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + source::quote(names[i]);
    return out + "]\n  start = " + source::quote(start) + "\n  end = " + source::quote(end) + "\n" + tz;
  }
  // One-off: one range a day on consecutive dates, the whole day between the first and the last.
  std::string start, end;
  long previous = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const YAML::Node& s = spans[i];
    int y, m, d;
    std::string from, to;
    if (s["weekdays"] || !singleInt(s["years"], y) || !singleInt(s["months"], m, kMonthNames, 12) || !singleInt(s["days_of_month"], d) ||
        m < 1 || m > 12 || d < 1 || d > 31 || !spanTimes(s, from, to))
      return (why = "only weekly ranges and one-off dates (one year, month and day a range) are windows", "");
    long day = days(y, m, d);
    if (i > 0 && day != previous + 1) return (why = "its dates are not consecutive days", "");
    if ((i > 0 && from != "00:00") || (i + 1 < spans.size() && to != "24:00"))
      return (why = "a window over several days covers the whole days between its first and last", "");
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    if (i == 0) start = std::string(date) + " " + from;
    end = std::string(date) + " " + to;
    previous = day;
  }
  if (end.size() > 5 && end.compare(end.size() - 5, 5, "24:00") == 0) {
    // "D 24:00" is written as the next day's midnight.
    long next = previous + 1;
    int y = 0, m = 0, d = 0;
    for (int yy = 1970; yy < 3000 && !y; ++yy)
      for (int mm = 1; mm <= 12 && !y; ++mm)
        if (days(yy, mm, 1) <= next && (mm == 12 ? days(yy + 1, 1, 1) : days(yy, mm + 1, 1)) > next) {
          y = yy, m = mm, d = static_cast<int>(next - days(yy, mm, 1) + 1);
        }
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    end = std::string(date) + " 00:00";
  }
  return "  start = " + source::quote(start) + "\n  end = " + source::quote(end) + "\n" + tz;
}

void Importer::intervals(const YAML::Node& root) {
  for (const char* key : {"time_intervals", "mute_time_intervals"}) {
    YAML::Node list = root[key];
    if (!list) continue;
    for (const auto& ti : list) {
      std::string name = ti["name"] ? ti["name"].Scalar() : "";
      bool everywhere = false, somewhere = false;
      for (auto& r : routes_) {
        if (r.channels.empty()) continue;
        (r.mutes.count(name) ? somewhere : everywhere) = true;
      }
      // `everywhere` here means: some notifying route does not mute it.
      if (!somewhere) {
        warn(ti, "time interval '" + name + "' mutes no route that notifies; left out");
        continue;
      }
      if (everywhere) {
        warn(ti, "time interval '" + name + "' mutes only some routes; maintenance windows mute every alert (or those of "
                 "services and monitors), so it is left out and those routes are not muted");
        continue;
      }
      std::string why, fields = windowFields(ti["time_intervals"], why);
      if (fields.empty()) {
        warn(ti, "time interval '" + name + "': " + why + "; left out");
        continue;
      }
      windows_ += "maintenance " + q(name) + " {\n" + fields + "}\n\n";
    }
  }
  for (auto& r : routes_) r.mutes.clear();
}

// The rule inhibit_warning_on_critical writes, in either spelling.
bool defaultInhibit(const YAML::Node& rule) {
  auto side = [&](const char* matchers, const char* match, const std::string& value) {
    if (YAML::Node m = rule[matchers]) {
      Matcher x;
      std::string err;
      return m.size() == 1 && !rule[match] && parseMatcher(m[0].Scalar(), x, err) && x.name == "severity" && x.op == "=" &&
             x.value == value;
    }
    YAML::Node m = rule[match];
    return m && m.size() == 1 && m["severity"] && m["severity"].Scalar() == value;
  };
  YAML::Node eq = rule["equal"];
  Strings equal;
  if (eq)
    for (const auto& e : eq) equal.push_back(e.Scalar());
  std::sort(equal.begin(), equal.end());
  return rule.size() == 3 && side("source_matchers", "source_match", "critical") && side("target_matchers", "target_match", "warning") &&
         equal == Strings{"alertname", "instance"};
}

void Importer::inhibitRules(const YAML::Node& root) {
  if (YAML::Node rules = root["inhibit_rules"])
    for (const auto& r : rules) {
      if (defaultInhibit(r) && !inhibitDefault_) inhibitDefault_ = true;
      else
        warn(r, "this inhibit rule cannot be expressed (the target's inhibit_warning_on_critical is the one rule the source "
                "writes: a critical alert silences the warning of the same alertname and instance); left out");
    }
}

void Importer::target(const YAML::Node& root) {
  std::string body;
  if (YAML::Node g = root["global"])
    for (const auto& kv : g) {
      std::string k = kv.first.Scalar();
      if (k == "smtp_from" || k == "smtp_smarthost") body += "  " + k + " = " + q(kv.second.Scalar()) + "\n";
      else if (k == "resolve_timeout" && seconds(kv.second.Scalar()) == 300) continue;  // the default
      else warn(kv.first, "global " + k + " cannot be expressed; left out");
    }
  if (!secretsDir_.empty() && secretsDir_ != "/etc/alertmanager/secrets") body += "  secrets_dir = " + q(secretsDir_) + "\n";
  if (!inhibitDefault_) body += "  inhibit_warning_on_critical = false\n";
  targetBlock_ = "target alertmanager \"alertmanager\" {\n" + body + "}\n\n";
}

bool Importer::run(const YAML::Node& root, std::string& source, std::string& error) {
  if (!root.IsMap() || !root["route"] || !root["receivers"])
    return (error = at(root) + "not an Alertmanager configuration (it has no route and receivers)", false);
  static const std::set<std::string> known = {"global", "route", "receivers", "inhibit_rules", "time_intervals", "mute_time_intervals",
                                              "templates"};
  for (const auto& kv : root)
    if (!known.count(kv.first.Scalar())) warn(kv.first, kv.first.Scalar() + " is not an Alertmanager setting; left out");
  if (YAML::Node t = root["templates"]) warn(t, "templates cannot be expressed (channels write Go templates inline); left out");
  if (!root["receivers"].IsSequence()) return (error = at(root["receivers"]) + "receivers is not a list", false);
  for (const auto& r : root["receivers"]) receiver(r);
  YAML::Node top = root["route"];
  if (!top["receiver"]) return (error = at(top) + "the root route has no receiver", false);
  if (top["matchers"] || top["match"] || top["match_re"]) warn(top, "the root route's matchers are ignored (Alertmanager ignores them too)");
  flatten(top, {Conds{}}, Grouping{}, "", true);
  intervals(root);
  inhibitRules(root);
  if (flavor_) targetBlock_ = flavor_->targetBlock;
  else target(root);
  std::string routes;
  int n = 0;
  for (const auto& r : routes_)
    for (const auto& alt : r.alternatives) {
      std::string body;
      Conds c = alt;
      // `severity` takes the source's three levels; any other value is a plain label match.
      if (auto sev = c.find("severity"); sev != c.end() && (sev->second == "critical" || sev->second == "warning" || sev->second == "info")) {
        body += "  severity = [" + q(sev->second) + "]\n";
        c.erase(sev);
      }
      if (!c.empty()) {
        body += "  match = { ";
        bool first = true;
        for (const auto& [k, v] : c) {
          body += (first ? "" : ", ") + source::key(k) + " = " + q(v);
          first = false;
        }
        body += " }\n";
      }
      body += "  channels = " + list(r.channels) + "\n";
      if (r.continues) body += "  continue = true\n";
      Strings groupBy;
      for (const auto& l : r.grouping.groupBy)
        if (l != "...") groupBy.push_back(l);
      if (!groupBy.empty()) body += "  group_by = " + list(groupBy) + "\n";
      static const std::map<std::string, long long> defaults = {{"group_wait", 30}, {"group_interval", 300}, {"repeat_interval", 14400}};
      for (const auto& [k, v] : r.grouping.intervals)
        if (defaults.at(k) != v) body += "  " + k + " = " + source::duration(v) + "\n";
      if (!r.at.empty()) routes += "# from the route at " + r.at.substr(0, r.at.size() - 2) + "\n";
      routes += "route " + q("route " + std::to_string(++n)) + " {\n" + body + "}\n\n";
    }
  source = targetBlock_ + channels_ + routes + windows_;
  while (source.size() > 1 && source.substr(source.size() - 2) == "\n\n") source.pop_back();
  return true;
}

}  // namespace

bool importConfig(const YAML::Node& root, const ImportFlavor* flavor, std::string& source, std::vector<std::string>& warnings,
                  std::string& error) {
  Importer imp(warnings, flavor);
  return imp.run(root, source, error);
}

bool importFile(const std::string& text, std::string& source, std::vector<std::string>& warnings, std::string& error) {
  prometheus::YamlInputError bad;
  if (!prometheus::checkYamlInput(text, bad)) return (error = bad.where(), false);
  YAML::Node root;
  try {
    root = YAML::Load(text);
    return importConfig(root, nullptr, source, warnings, error);
  } catch (const YAML::Exception& e) {
    // A value of the wrong shape (a list where a map belongs) has no place of its own.
    error = e.mark.is_null() ? "not an Alertmanager configuration: a value has the wrong shape (" + e.msg + ")"
                             : std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg;
    return false;
  }
}

}  // namespace mon::alertmanager
