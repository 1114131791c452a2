// Notification channels, notification groups, downtimes and alert group settings -> `channel`,
// `route` (with `group_by = []` for an alert group of the route's name) and `maintenance` blocks (docs/mackerel-routing.md, "Pull and import"). The input is in the plans'
// form (routing_wire.h): names without the ownership marker, references by name. What the
// language cannot say is a warning that names the object and what becomes of it, never a silent
// skip; what would change the meaning if written half (a window's scopes that Mackerel unions
// and the language intersects) is not written at all.
#include <algorithm>
#include <map>

#include "mackerel/import.h"
#include "mackerel/import_writer.h"
#include "mackerel/routing_wire.h"
#include "mackerel/time_zone.h"
#include "ownership.h"

namespace mon::mackerel {

namespace {

using Strings = std::vector<std::string>;

const char* const kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const kDayWords[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
const int64_t kMaxOneOffSeconds = 366 * 86400LL;  // the language's limit on a one-off window

std::string text(const ImportJson& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
}

Strings strings(const ImportJson& o, const char* key) {
  Strings out;
  if (o.is_object() && o.contains(key) && o[key].is_array())
    for (const auto& v : o[key]) out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

bool flag(const ImportJson& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_boolean() && o[key].get<bool>();
}

bool nonEmpty(const ImportJson& o, const char* key) {
  if (!o.is_object() || !o.contains(key)) return false;
  const ImportJson& v = o[key];
  return !(v.is_null() || ((v.is_array() || v.is_object() || v.is_string()) && v.empty()) ||
           (v.is_boolean() && !v.get<bool>()));
}

Lit stringList(const Strings& items) {
  Lit l = Lit::list();
  for (const auto& s : items) l.items.push_back(Lit::of(stringLiteral(s)));
  return l;
}

std::string joined(const Strings& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "'" : ", '") + s + "'";
  return out;
}

// A civil date and minute of the day from seconds since 1970-01-01 00:00 of a wall clock
// (Howard Hinnant's civil_from_days).
struct Civil {
  int year, month, day, minute, weekday;  // weekday: 0 = Sunday
};
Civil civilFrom(int64_t local) {
  int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  int64_t secs = local - days * 86400;
  Civil c{};
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2));
  c.minute = static_cast<int>(secs / 60);
  return c;
}

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }
std::string clock(int minute) { return two(minute / 60) + ":" + two(minute % 60); }
std::string dateTime(const Civil& c) {
  return std::to_string(c.year) + "-" + two(c.month) + "-" + two(c.day) + " " + clock(c.minute);
}

// The environment variable a secret is to be read from: "OPS_CHAT_SLACK_WEBHOOK_URL".
std::string envNameFor(const std::string& channel, std::set<std::string>& taken) {
  std::string base;
  for (unsigned char c : channel) {
    if (std::isalnum(c) && c < 0x80) base += static_cast<char>(std::toupper(c));
    else if (!base.empty() && base.back() != '_') base += '_';
  }
  while (!base.empty() && base.back() == '_') base.pop_back();
  if (base.empty() || std::isdigit(static_cast<unsigned char>(base[0]))) base = "CHANNEL_" + base;
  base += "_SLACK_WEBHOOK_URL";
  std::string name = base;
  for (int n = 2; !taken.insert(name).second; ++n) name = base + "_" + std::to_string(n);
  return name;
}

class RoutingImporter {
 public:
  RoutingImporter(const RoutingInput& in, const std::set<std::string>& monitors, std::string& out, Strings& warnings)
      : in_(in), monitors_(monitors), out_(out), warnings_(warnings) {}

  void run() {
    for (const auto& c : in_.channels) channel(c);
    for (const auto& g : in_.groups)
      if (g.is_object()) groupsByName_[text(g, "name")] = &g;
    for (const auto& a : in_.alertGroups)
      if (a.is_object() && !alertGroups_.emplace(text(a, "name"), &a).second)
        warn("alert group setting '" + text(a, "name") + "'", "another one has the same name; skipped");
    for (const auto& g : in_.groups) route(g);
    for (const auto& [name, a] : alertGroups_)
      if (!usedAlertGroups_.count(name))
        warn("alert group setting '" + name + "'",
             "no route of that name is written, and the language makes alert groups only from a route's "
             "'group_by = []'; not written");
    if (!in_.downtimes.empty() && !zone_.load(in_.timeZone, zoneErr_)) {
      warnings_.push_back("downtimes: " + zoneErr_ + "; none written");
      return;
    }
    for (const auto& d : in_.downtimes) window(d);
  }

 private:
  void warn(const std::string& who, const std::string& what) { warnings_.push_back(who + ": " + what); }

  BlockWriter open(const std::string& header) {
    if (!out_.empty()) out_ += "\n";
    BlockWriter w(out_);
    w.open(header);
    return w;
  }

  // --- channels ---

  void channel(const ImportJson& c) {
    std::string name = text(c, "name"), type = text(c, "type");
    std::string who = "channel '" + name + "'";
    if (name.empty()) return warn("a channel", "has no name; skipped");
    if (type != "email" && type != "slack" && type != "webhook")
      return warn(who, "type '" + type +
                           "' cannot be written: the language has email, slack and webhook channels that Mackerel's API "
                           "can create; skipped (routes that name it leave it out)");
    if (!written_.insert(name).second) return warn(who, "another channel has the same name; skipped");
    BlockWriter w = open("channel " + type + " " + stringLiteral(name));
    if (type == "email") {
      w.attr("to", stringList(strings(c, "emails")));
      if (nonEmpty(c, "userIds"))
        warn(who, "'userIds' (members of the organization) cannot be written; dropped, add their addresses to 'to'");
    } else if (type == "slack") {
      // The incoming webhook posts to its own Slack channel; Mackerel keeps no name for it.
      w.attr("channel", stringLiteral(""));
      std::string env = envNameFor(name, envs_);
      w.attr("api_url_env", stringLiteral(env));
      warn(who, "the webhook URL is a secret and is not written: set $" + env + " to it");
      if (nonEmpty(c, "mentions")) warn(who, "'mentions' cannot be written yet; dropped");
    } else {
      w.attr("url", stringLiteral(text(c, "url")));
    }
    w.close();
    if (nonEmpty(c, "enabledGraphImage")) warn(who, "'enabledGraphImage' cannot be written yet; dropped");
    Strings events = strings(c, "events");
    if (events != Strings{"alert"})
      warn(who, "events " + (events.empty() ? std::string("(none)") : joined(events)) +
                    ": monitorc's channels take alerts only ('events' becomes [\"alert\"])");
  }

  // --- notification groups ---

  // The channels of group `g` and of its child groups, in order, once each.
  void channelsOf(const ImportJson& g, Strings& out, std::set<std::string>& seenGroups, const std::string& who) {
    for (const auto& ch : strings(g, "childChannelIds")) {
      if (std::find(out.begin(), out.end(), ch) != out.end()) continue;
      if (!written_.count(ch)) {
        warn(who, ch.rfind("id:", 0) == 0 ? "channel " + ch.substr(3) + " is not known; left out"
                                          : "channel '" + ch + "' is not written; left out");
        continue;
      }
      out.push_back(ch);
    }
    for (const auto& child : strings(g, "childNotificationGroupIds")) {
      if (!seenGroups.insert(child).second) continue;
      auto it = groupsByName_.find(child);
      if (it == groupsByName_.end()) {
        warn(who, "child group " + child + " is not known; left out");
        continue;
      }
      channelsOf(*it->second, out, seenGroups, who);
    }
  }

  void route(const ImportJson& g) {
    std::string name = text(g, "name");
    std::string who = "notification group '" + name + "'";
    if (name.empty()) return warn("a notification group", "has no name; skipped");
    if (flag(g, "default"))
      return warn(who, "is the organization's default group, which monitorc never changes; not written");
    if (!routes_.insert(name).second) return warn(who, "another notification group has the same name; skipped");
    Strings channels;
    std::set<std::string> seen{name};
    channelsOf(g, channels, seen, who);
    if (nonEmpty(g, "childNotificationGroupIds"))
      warn(who, "child groups cannot be written; their channels are added to the route's 'channels'");
    Strings monitors;
    bool notifiesDefault = false;
    if (g.contains("monitors") && g["monitors"].is_array())
      for (const auto& m : g["monitors"]) {
        std::string key = text(m, "id");
        if (!monitors_.count(key)) {
          warn(who, key.rfind("id:", 0) == 0 || key.empty() ? "monitor " + key.substr(std::min<size_t>(3, key.size())) + " is not known; left out"
                                                           : "monitor '" + key + "' is not written; left out");
          continue;
        }
        if (std::find(monitors.begin(), monitors.end(), key) == monitors.end()) monitors.push_back(key);
        if (!flag(m, "skipDefault")) notifiesDefault = true;
      }
    if (notifiesDefault)
      warn(who, "some monitors also notify the default group ('skipDefault' false); monitorc's routes skip it");
    if (nonEmpty(g, "services"))
      warn(who, "services as selectors cannot be written; the route takes only the monitors it names");
    if (monitors.empty())
      return warn(who, "names no monitor that is written, and a route without 'monitors' would take every alert; "
                       "not written");
    if (channels.empty()) return warn(who, "notifies no channel that is written; not written");
    BlockWriter w = open("route " + stringLiteral(name));
    w.attr("channels", stringList(channels));
    if (text(g, "notificationLevel") == "critical") w.attr("severity", stringList({"critical"}));
    w.attr("monitors", stringList(monitors));
    // Every group that takes a monitor notifies: no route ends the search for another.
    w.attr("continue", "true");
    if (auto it = alertGroups_.find(name); it != alertGroups_.end()) alertGroup(*it->second, monitors, w);
    w.close();
  }

  // An alert group setting named after the route: `group_by = []` when it groups exactly the
  // route's monitors (what build sends for that).
  void alertGroup(const ImportJson& a, const Strings& monitors, BlockWriter& w) {
    std::string name = text(a, "name");
    std::string who = "alert group setting '" + name + "'";
    usedAlertGroups_.insert(name);
    Strings scopes = strings(a, "monitorScopes");
    std::set<std::string> want(monitors.begin(), monitors.end()), have(scopes.begin(), scopes.end());
    if (nonEmpty(a, "serviceScopes") || nonEmpty(a, "roleScopes") || want != have)
      return warn(who, "does not group exactly the monitors of the route of its name (monitorc's alert groups "
                       "take a route's monitors); not written");
    w.attr("group_by", Lit::list());
    if (a.contains("notificationInterval") && a["notificationInterval"].is_number_integer() &&
        a["notificationInterval"].get<int64_t>() > 0)
      w.attr("repeat_interval", durationLiteral(a["notificationInterval"], 60000));
    if (!engine::stripOwnerMarker(text(a, "memo")).empty()) warn(who, "'memo' cannot be written; dropped");
  }

  // --- downtimes ---

  void window(const ImportJson& d) {
    std::string name = text(d, "name");
    std::string who = "downtime '" + name + "'";
    if (name.empty()) return warn("a downtime", "has no name; skipped");
    if (!d.contains("start") || !d["start"].is_number_integer() || !d.contains("duration") ||
        !d["duration"].is_number_integer() || d["duration"].get<int64_t>() < 1)
      return warn(who, "has no whole 'start' and 'duration'; skipped");
    for (const char* k : {"serviceExcludeScopes", "roleExcludeScopes", "monitorExcludeScopes"})
      if (nonEmpty(d, k)) return warn(who, std::string("'") + k + "' cannot be written; skipped");
    Strings scopes = strings(d, "serviceScopes"), roles = strings(d, "roleScopes");
    scopes.insert(scopes.end(), roles.begin(), roles.end());
    Strings named = strings(d, "monitorScopes"), monitors;
    for (const auto& m : named) {
      if (monitors_.count(m)) monitors.push_back(m);
      else warn(who, m.rfind("id:", 0) == 0 ? "monitor " + m.substr(3) + " is not known; left out"
                                           : "monitor '" + m + "' is not written; left out");
    }
    if (!named.empty() && monitors.empty())
      return warn(who, "names no monitor that is written, and a window without 'monitors' would mute everything; "
                       "skipped");
    if (!monitors.empty() && !scopes.empty())
      return warn(who, "mutes its monitors and its scopes, and the language's 'monitors' and 'scopes' together mute "
                       "only the monitors within the scopes; skipped, write two windows");
    if (!windows_.insert(name).second) return warn(who, "another downtime has the same name; skipped");

    const int64_t start = d["start"].get<int64_t>(), minutes = d["duration"].get<int64_t>();
    // Instants far outside the calendar the language writes would overflow the arithmetic.
    if (start < 0 || start > 253402300799LL || minutes > kMaxOneOffSeconds / 60 * 2)
      return warn(who, "'start' or 'duration' is out of range; skipped");
    const Civil from = civilFrom(start + zone_.offsetAt(start));
    if (start % 60) warn(who, "'start' is not on a whole minute; written at the minute it falls in");
    std::string startText, endText;
    Strings weekdays;
    const ImportJson* rec = d.contains("recurrence") && d["recurrence"].is_object() ? &d["recurrence"] : nullptr;
    if (rec) {
      std::string type = text(*rec, "type");
      int64_t interval = rec->contains("interval") && (*rec)["interval"].is_number_integer() ? (*rec)["interval"].get<int64_t>() : 1;
      if ((type != "weekly" && type != "daily") || interval != 1 || nonEmpty(*rec, "until"))
        return warn(who, "repeats " + (type.empty() ? std::string("in a way") : type) +
                             (interval != 1 ? " every " + std::to_string(interval) : "") +
                             (nonEmpty(*rec, "until") ? " until a date" : "") +
                             "; the language repeats windows only every week (or every day) without end; skipped");
      if (from.minute + minutes > 1440)
        return warn(who, "lasts past midnight in " + in_.timeZone +
                             ", and a weekly window ends on the day it starts; skipped, write two windows");
      if (type == "daily") {
        weekdays.assign(std::begin(kDayWords), std::end(kDayWords));
        warn(who, "repeats daily: written as every day of the week (Mackerel is sent a weekly recurrence)");
      } else {
        Strings days = strings(*rec, "weekdays");
        if (days.empty()) days.push_back(kWeekdays[from.weekday]);
        std::set<int> listed;
        for (int i = 0; i < 7; ++i)
          if (std::find(days.begin(), days.end(), kWeekdays[i]) != days.end()) listed.insert(i);
        if (listed.size() != days.size()) warn(who, "unknown weekdays left out");
        if (listed.empty()) return warn(who, "names no weekday; skipped");
        // monitorc sends 'start' on the first listed weekday in the window's own zone; Mackerel
        // keeps no zone. When `start` falls on another day here, the zone moved the days: move
        // the weekdays with it, so the window mutes the same instants.
        int shift = listed.count(from.weekday) ? 0 : (from.weekday - *listed.begin() + 7) % 7;
        if (shift != 0 && shift != 1 && shift != 6) {
          warn(who, "'start' is not on one of its weekdays in " + in_.timeZone + "; weekdays written as named");
          shift = 0;
        } else if (shift) {
          warn(who, "its weekdays are counted in another time zone; written as the days they fall on in " +
                        in_.timeZone);
        }
        for (int i : listed) weekdays.push_back(kDayWords[(i + shift) % 7]);
        std::sort(weekdays.begin(), weekdays.end(), [](const std::string& a, const std::string& b) {
          auto at = [](const std::string& s) { return std::find(std::begin(kDayWords), std::end(kDayWords), s) - std::begin(kDayWords); };
          return at(a) < at(b);
        });
      }
      startText = clock(from.minute);
      endText = clock(from.minute + static_cast<int>(minutes));
    } else {
      if (minutes * 60 > kMaxOneOffSeconds) return warn(who, "lasts more than 366 days; skipped");
      startText = dateTime(from);
      int64_t end = start - start % 60 + minutes * 60;
      endText = dateTime(civilFrom(end + zone_.offsetAt(end)));
    }
    BlockWriter w = open("maintenance " + stringLiteral(name));
    if (!weekdays.empty()) w.attr("weekdays", stringList(weekdays));
    w.attr("start", stringLiteral(startText));
    w.attr("end", stringLiteral(endText));
    if (in_.timeZone != "UTC") w.attr("time_zone", stringLiteral(in_.timeZone));
    if (!scopes.empty()) w.attr("scopes", stringList(scopes));
    if (!monitors.empty()) w.attr("monitors", stringList(monitors));
    if (std::string memo = engine::stripOwnerMarker(text(d, "memo")); !memo.empty()) w.attr("memo", stringLiteral(memo));
    w.close();
  }

  const RoutingInput& in_;
  const std::set<std::string>& monitors_;
  std::string& out_;
  Strings& warnings_;
  std::set<std::string> written_, routes_, windows_, envs_;
  std::map<std::string, const ImportJson*> groupsByName_, alertGroups_;
  std::set<std::string> usedAlertGroups_;
  TimeZone zone_;
  std::string zoneErr_;
};

const char* listKeyOf(const char* kind) {
  std::string k = kind;
  if (k == "channels") return "channels";
  if (k == "notification groups") return "notificationGroups";
  if (k == "alert group settings") return "alertGroupSettings";
  return "downtimes";
}

const ImportJson* listIn(const ImportJson& doc, const char* key) {
  if (doc.is_array()) return &doc;
  if (doc.is_object() && doc.contains(key) && doc[key].is_array()) return &doc[key];
  return nullptr;
}

std::string checkList(const ImportJson& doc, const char* what, const char* path) {
  const char* key = listKeyOf(what);
  if (doc.is_null() || listIn(doc, key)) return "";
  if (doc.is_object() && doc.contains(key)) return std::string("'") + key + "' is not a list";
  return std::string("expected {\"") + key + "\": [...]} (a GET " + path + " response)";
}

std::vector<ImportJson> planForm(const ImportJson* list, engine::ObjKind kind, const engine::mackerel::Names& names) {
  std::vector<ImportJson> out;
  if (!list) return out;
  for (const auto& o : *list) {
    engine::Json plan = engine::mackerel::fromWire(kind, engine::Json::parse(o.dump()), names);
    out.push_back(ImportJson::parse(plan.dump()));
  }
  return out;
}

}  // namespace

std::string checkChannelsDoc(const ImportJson& doc) { return checkList(doc, "channels", "/api/v0/channels"); }
std::string checkNotificationGroupsDoc(const ImportJson& doc) {
  return checkList(doc, "notification groups", "/api/v0/notification-groups");
}
std::string checkDowntimesDoc(const ImportJson& doc) { return checkList(doc, "downtimes", "/api/v0/downtimes"); }
std::string checkAlertGroupSettingsDoc(const ImportJson& doc) {
  return checkList(doc, "alert group settings", "/api/v0/alert-group-settings");
}

RoutingInput routingFromApi(const ImportJson& monitorsDoc, const ImportJson& channels, const ImportJson& groups,
                            const ImportJson& downtimes, const ImportJson& alertGroups) {
  engine::mackerel::Names names;
  if (const ImportJson* list = listIn(monitorsDoc, "monitors"))
    for (const auto& m : *list)
      if (m.is_object() && m.contains("id") && m["id"].is_string()) names.monitors[m["id"].get<std::string>()] = text(m, "name");
  const ImportJson* c = listIn(channels, "channels");
  const ImportJson* g = listIn(groups, "notificationGroups");
  const ImportJson* d = listIn(downtimes, "downtimes");
  bool owned = false;
  if (c)
    for (const auto& o : *c)
      if (o.is_object()) names.channels[text(o, "id")] = engine::mackerel::withoutNameMarker(text(o, "name"), owned);
  if (g)
    for (const auto& o : *g)
      if (o.is_object()) names.groups[text(o, "id")] = engine::mackerel::withoutNameMarker(text(o, "name"), owned);
  RoutingInput in;
  in.channels = planForm(c, engine::ObjKind::Channel, names);
  in.groups = planForm(g, engine::ObjKind::NotificationGroup, names);
  in.downtimes = planForm(d, engine::ObjKind::Downtime, names);
  in.alertGroups = planForm(listIn(alertGroups, "alertGroupSettings"), engine::ObjKind::AlertGroupSetting, names);
  return in;
}

void importRouting(const RoutingInput& in, const std::set<std::string>& monitors, std::string& out,
                   std::vector<std::string>& warnings) {
  RoutingImporter(in, monitors, out, warnings).run();
}

}  // namespace mon::mackerel
