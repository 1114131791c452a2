#include "mackerel/routing.h"

#include <algorithm>
#include <map>
#include <set>

#include "lower/routing_match.h"
#include "mackerel/routing_wire.h"
#include "mackerel/time_zone.h"
#include "ownership.h"
#include "target_support.h"

namespace mon::mackerel {

namespace {

using engine::Desired;
using engine::Json;
using engine::ObjKind;
using Strings = std::vector<std::string>;

const char* const kTarget = "mackerel";
const char* const kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
// Weekly windows start in the week of this Sunday (2026-01-04): a fixed day, so that plans
// stay equal from run to run; Mackerel repeats from there.
const long kAnchorSunday = 20457;

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

bool forTarget(const Strings& targets, const std::string& name) {
  return targets.empty() || std::find(targets.begin(), targets.end(), name) != targets.end();
}

struct Finding {
  Range at;
  diag::Kind kind;
  Strings args;
};

// One object for Mackerel, before secrets are read.
struct Item {
  ObjKind kind;
  std::string name;
  std::string type;  // channels
  Json body;
  Range at;
  std::string secretField, secretEnv;  // a channel's secret: body[field] comes from $env
};

struct Mapping {
  std::vector<Item> items;
  std::vector<Finding> findings;
};

class Mapper {
 public:
  Mapper(const ir::Module& m, std::string target) : m_(m), target_(std::move(target)) {
    for (const auto& mon : m.monitors)
      if (forTarget(mon.targets, target_)) monitors_.push_back(&mon);
  }

  Mapping run() {
    for (const auto& c : m_.channels) channel(c);
    routes();
    for (const auto* mon : monitors_)
      if (!mon->channels.empty()) ownChannels(*mon);
    for (const auto& w : m_.maintenances) window(w);
    return std::move(out_);
  }

 private:
  // "'FIELD' of WHAT 'NAME' is not expressed on mackerel target 'T' (WHY)": the field that
  // Mackerel cannot carry, and what becomes of the object.
  void finding(Range at, const std::string& field, const std::string& what, const std::string& name, const std::string& why) {
    out_.findings.push_back({at, diag::warn_target_drops_field, {field, what, name, kTarget, target_, why}});
  }
  void dropped(const ir::Props& p, const Strings& fields, const char* what, const std::string& name, Range fallback,
               const std::string& why) {
    for (const auto& f : fields)
      if (const ir::Prop* x = p.find(f))
        finding(x->range.valid() ? x->range : fallback, f, what, name, why);
  }

  // --- channels ---

  void channel(const ir::Channel& c) {
    const ir::Props& p = c.props;
    Item it{ObjKind::Channel, c.name, c.kind, Json::object(), c.nameRange, "", ""};
    Json& b = it.body;
    b["type"] = c.kind;
    b["name"] = c.name;
    if (c.kind == "email") {
      Json to = Json::array();
      if (const ir::Prop* x = p.find("to")) to = x->value;
      b["emails"] = to;
      b["userIds"] = Json::array();
      dropped(p, {"from", "smarthost", "auth_username", "auth_password_env"}, "email channel", c.name, c.nameRange,
              "Mackerel sends its own mail");
    } else if (c.kind == "slack") {
      it.secretField = "url";
      it.secretEnv = p.str("api_url_env");
      b["mentions"] = Json::object();
      b["enabledGraphImage"] = false;
      dropped(p, {"title", "text"}, "slack channel", c.name, c.nameRange, "Mackerel writes its own messages");
    } else if (c.kind == "webhook") {
      if (p.find("bearer_token_env")) {
        const ir::Prop* x = p.find("bearer_token_env");
        finding(x->range.valid() ? x->range : c.nameRange, "bearer_token_env", "webhook channel", c.name,
                "Mackerel's webhooks send no credentials; the channel is not sent");
        return;
      }
      b["url"] = p.str("url");
      b["enabledGraphImage"] = false;
      dropped(p, {"max_alerts"}, "webhook channel", c.name, c.nameRange, "Mackerel sends one alert per request");
    } else {
      finding(c.nameRange, c.kind, "channel", c.name,
              "Mackerel's API creates only email, slack and webhook channels; the channel is not sent, add it in "
              "Mackerel's web console");
      return;
    }
    b["events"] = Json::array({"alert"});
    sent_.insert(c.name);
    out_.items.push_back(std::move(it));
  }

  Strings sentChannels(const Strings& names) const {
    Strings out;
    for (const auto& n : names)
      if (sent_.count(n) && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    return out;
  }

  // --- routes: who gets which severities of each monitor's alerts ---

  static bool matchesAt(const ir::Route& r, const ir::Monitor& mon, const std::string& sev) {
    if (!r.severities.empty() && std::find(r.severities.begin(), r.severities.end(), sev) == r.severities.end())
      return false;
    ir::Route rest = r;
    rest.severities.clear();
    if (auto it = rest.match.find("severity"); it != rest.match.end()) {
      if (it->second != sev) return false;
      rest.match.erase(it);
    }
    return routing::routeMatches(rest, mon);
  }

  static std::set<std::string> severities(const ir::Monitor& mon) {
    auto s = routing::severitiesOf(mon);
    if (s.empty()) s = {"critical", "warning"};
    return s;
  }

  void routes() {
    // taken[route][monitor] = the severities of the monitor's alerts the route gets.
    std::vector<std::map<const ir::Monitor*, std::set<std::string>>> taken(m_.routes.size());
    for (const auto* mon : monitors_)
      for (const auto& sev : severities(*mon))
        for (size_t i = 0; i < m_.routes.size(); ++i)
          if (matchesAt(m_.routes[i], *mon, sev)) {
            taken[i][mon].insert(sev);
            if (!m_.routes[i].continues) break;
          }
    for (size_t i = 0; i < m_.routes.size(); ++i) {
      const ir::Route& r = m_.routes[i];
      Strings channels = sentChannels(r.channels);
      bool criticalOnly = (r.severities.size() == 1 && r.severities[0] == "critical") ||
                          (r.match.count("severity") && r.match.at("severity") == "critical");
      // `group_by = []` (one group for all of the route's alerts) is what a Mackerel alert group
      // setting does; labels to group by are not.
      const ir::Prop* groupBy = r.props.find("group_by");
      const bool alertGroup = groupBy && r.groupBy.empty();
      dropped(r.props, {"group_wait", "group_interval"}, "route", r.name, r.nameRange,
              "Mackerel notifies each alert as it opens, and an alert group as its first alert opens");
      if (groupBy && !alertGroup)
        finding(r.props.rangeOf("group_by", r.nameRange), "group_by", "route", r.name,
                "Mackerel's alert groups take every alert of their monitors together, not by label; "
                "'group_by = []' makes the route's alerts one alert group");
      if (!alertGroup)
        dropped(r.props, {"repeat_interval"}, "route", r.name, r.nameRange,
                "Mackerel repeats only an alert group's notifications ('group_by = []'); a monitor's "
                "'notification_interval' repeats its own");
      if (taken[i].empty()) continue;
      if (alertGroup) alertGroupSetting(r, taken[i]);
      if (channels.empty()) {
        finding(r.props.rangeOf("channels", r.nameRange), "channels", "route", r.name,
                "none of them is sent to Mackerel; the route is not sent");
        continue;
      }
      Json monitors = Json::array();
      std::string firstExtra;
      int extras = 0;
      for (const auto* mon : monitors_) {  // in source order, so that plans list them alike
        auto found = taken[i].find(mon);
        if (found == taken[i].end()) continue;
        const std::set<std::string>& sevs = found->second;
        std::set<std::string> delivered = severities(*mon);
        if (criticalOnly) delivered.erase("warning");
        if (delivered != sevs) {
          if (firstExtra.empty()) {
            std::set<std::string> extra;
            std::set_difference(delivered.begin(), delivered.end(), sevs.begin(), sevs.end(),
                                std::inserter(extra, extra.begin()));
            firstExtra = "the " + (extra.empty() ? std::string("other") : *extra.begin()) + " alerts of monitor '" +
                         mon->name + "' would reach it too";
          }
          ++extras;
        }
        monitors.push_back({{"id", mon->name}, {"skipDefault", true}});
      }
      if (extras)
        finding(r.nameRange, r.severities.empty() ? "continue" : "severity", "route", r.name,
                firstExtra + (extras > 1 ? " (and " + std::to_string(extras - 1) + " more monitors')" : "") +
                    ": Mackerel's notification groups take all or only critical alerts of a monitor, and every "
                    "group that takes a monitor notifies, whatever the routes before it");
      group(r.name, criticalOnly ? "critical" : "all", channels, monitors, r.nameRange);
    }
  }

  // The route's alerts as one alert group: its monitors (those it takes, as its notification
  // group lists them) and `repeat_interval` as the group's notification interval.
  void alertGroupSetting(const ir::Route& r, const std::map<const ir::Monitor*, std::set<std::string>>& taken) {
    Json scopes = Json::array();
    for (const auto* mon : monitors_)
      if (taken.count(mon)) scopes.push_back(mon->name);
    Json b = {{"name", r.name}, {"monitorScopes", scopes}};
    if (const ir::Prop* x = r.props.find("repeat_interval"); x && x->value.is_number()) {
      double seconds = x->value.get<double>();
      auto minutes = static_cast<int64_t>((seconds + 59) / 60);
      if (minutes * 60 != static_cast<int64_t>(seconds))
        finding(x->range.valid() ? x->range : r.nameRange, "repeat_interval", "route", r.name,
                "Mackerel repeats in whole minutes; sent as " + std::to_string(minutes) + "m");
      b["notificationInterval"] = minutes;
    }
    out_.items.push_back({ObjKind::AlertGroupSetting, r.name, "", b, r.nameRange, "", ""});
  }

  void ownChannels(const ir::Monitor& mon) {
    Strings channels = sentChannels(mon.channels);
    Range at = mon.channelRanges.empty() ? mon.nameRange : mon.channelRanges[0];
    if (channels.empty()) {
      finding(at, "channels", "monitor", mon.name, "none of them is sent to Mackerel");
      return;
    }
    group(mon.name + " (channels)", "all", channels, Json::array({{{"id", mon.name}, {"skipDefault", true}}}), at);
  }

  void group(const std::string& name, const char* level, const Strings& channels, const Json& monitors, Range at) {
    Item it{ObjKind::NotificationGroup, name, "", Json::object(), at, "", ""};
    it.body = {{"name", name},
               {"notificationLevel", level},
               {"childNotificationGroupIds", Json::array()},
               {"childChannelIds", channels},
               {"monitors", monitors},
               {"services", Json::array()}};
    out_.items.push_back(std::move(it));
  }

  // --- maintenance windows ---

  void window(const ir::Maintenance& w) {
    TimeZone tz;
    std::string why;
    if (!tz.load(w.timeZone, why))
      return finding(w.props.rangeOf("time_zone", w.nameRange), "time_zone", "maintenance", w.name,
                     why + "; the window is not sent");
    Json b = {{"name", w.name}};
    if (std::string memo = w.props.str("memo"); !memo.empty()) b["memo"] = memo;
    int64_t start, end;
    if (w.weekly) {
      if (w.weekdays.empty()) return;
      int first = *std::min_element(w.weekdays.begin(), w.weekdays.end());
      int64_t day = kAnchorSunday + first;
      start = tz.toUtc(day * 86400 + w.start.minute * 60LL);
      end = tz.toUtc(day * 86400 + w.end.minute * 60LL);
      std::set<int> days(w.weekdays.begin(), w.weekdays.end());
      Json names = Json::array();
      for (int d : days) names.push_back(kWeekdays[d]);
      b["recurrence"] = {{"type", "weekly"}, {"interval", 1}, {"weekdays", names}};
      if (tz.offsetChanges(start, start + 366 * 86400LL))
        finding(w.props.rangeOf("time_zone", w.nameRange), "time_zone", "maintenance", w.name,
                "Mackerel keeps no time zone for a downtime and repeats it at the same offset from UTC, so in " +
                    w.timeZone + " it moves by an hour while daylight saving time is in effect");
    } else {
      start = tz.toUtc(daysFromCivil(w.start.year, w.start.month, w.start.day) * 86400LL + w.start.minute * 60LL);
      end = tz.toUtc(daysFromCivil(w.end.year, w.end.month, w.end.day) * 86400LL + w.end.minute * 60LL);
    }
    if (end <= start) return;  // the checks report it
    b["start"] = start;
    b["duration"] = (end - start + 59) / 60;
    if (!w.monitors.empty()) {
      // Mackerel mutes what any scope names; the source mutes the named monitors within its
      // scopes. The monitors that are both are what the window means.
      Json ids = Json::array();
      for (const auto* mon : monitors_) {
        if (std::find(w.monitors.begin(), w.monitors.end(), mon->name) == w.monitors.end()) continue;
        if (!w.scopes.empty() && std::none_of(w.scopes.begin(), w.scopes.end(),
                                              [&](const std::string& s) { return routing::inScope(*mon, s); }))
          continue;
        ids.push_back(mon->name);
      }
      if (ids.empty())
        return finding(w.props.rangeOf("monitors", w.nameRange), "monitors", "maintenance", w.name,
                       "none of them goes to this target, and a downtime without scopes would mute everything; "
                       "the window is not sent");
      b["monitorScopes"] = ids;
    } else {
      Json services = Json::array(), roles = Json::array();
      for (const auto& s : w.scopes) (s.find(':') == std::string::npos ? services : roles).push_back(s);
      b["serviceScopes"] = services;
      b["roleScopes"] = roles;
    }
    out_.items.push_back({ObjKind::Downtime, w.name, "", b, w.nameRange, "", ""});
  }

  const ir::Module& m_;
  std::string target_;
  std::vector<const ir::Monitor*> monitors_;
  std::set<std::string> sent_;  // channels that go to Mackerel
  Mapping out_;
};

}  // namespace

bool routingObjects(const ir::Module& m, const SourceManager& sm, const std::string& target,
                    const std::function<const char*(const char*)>& getenv, std::vector<Desired>& out, std::string& err) {
  Mapping mapping = Mapper(m, target).run();
  std::set<std::string> seen;
  for (auto& it : mapping.items) {
    engine::Origin o = engine::originOf(sm, ir::MadeBy{}, it.at);
    if (!seen.insert(std::string(engine::kindName(it.kind)) + "/" + it.name).second)
      return (err = o.source + ": " + std::string(engine::kindName(it.kind)) + " name '" + it.name +
                    "' would be used twice on target '" + target + "'",
              false);
    if (!it.secretEnv.empty()) {
      const char* v = getenv ? getenv(it.secretEnv.c_str()) : nullptr;
      std::string value = v ? v : "";
      while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) value.pop_back();
      if (value.empty())
        return (err = o.source + ": $" + it.secretEnv + " (the secret of channel '" + it.name + "') is not set", false);
      it.body[it.secretField] = engine::mackerel::plannedSecret(it.secretEnv, value);
    }
    Desired d{it.kind, it.name, it.type, std::move(it.body), o.source, {}, o.templateSource, o.templateName, ""};
    d.where = engine::locationOf(sm, ir::MadeBy{}, it.at);
    out.push_back(std::move(d));
  }
  return true;
}

void checkRouting(const ir::Module& m, const std::string& target, DiagEngine& diags) {
  for (const auto& f : Mapper(m, target).run().findings) diags.report(f.at, f.kind, f.args);
}

}  // namespace mon::mackerel
