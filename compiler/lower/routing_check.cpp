// The routing checks that need the whole program: channel and monitor names that do not exist,
// monitors that reach no channel, routes that can never match, channels nobody uses, and
// maintenance windows that overlap. They judge the source's own routing model (routes in
// order, the first match ends the search unless it says `continue`), which every backend
// carries out the same way.
#include <algorithm>
#include <set>

#include "lower/lower_parts.h"
#include "lower/routing_match.h"
#include "support/text.h"

namespace mon {

namespace routing {

namespace {
bool contains(const std::vector<std::string>& list, const std::string& s) { return std::find(list.begin(), list.end(), s) != list.end(); }
std::string serviceOf(const std::string& scope) { return scope.substr(0, scope.find(':')); }
}  // namespace

// The severities a monitor's alerts can carry.
std::set<std::string> severitiesOf(const ir::Monitor& m) {
  const ir::Props& p = m.props;
  auto set = [&](const char* n) { const ir::Prop* x = p.find(n); return x && !x->value.is_null(); };
  std::set<std::string> out;
  switch (m.kind) {
    case ir::MonitorKind::Connectivity: {
      std::string level = p.str("alert_status_on_gone", "CRITICAL");
      out.insert(level == "WARNING" ? "warning" : "critical");
      break;
    }
    case ir::MonitorKind::External:
      out.insert("critical");  // a failed check is critical; the warning thresholds add warnings
      if (set("response_time_warning") || set("certification_expiration_warning")) out.insert("warning");
      break;
    default:
      if (set("warning") || set("warning_sensitivity")) out.insert("warning");
      if (set("critical") || set("critical_sensitivity")) out.insert("critical");
  }
  return out;
}


// True when an alert of `m` is in `scope` ("Service" or "Service:role"): the monitor watches
// that scope (or a role of that service), or says so in its `service` field or labels.
bool inScope(const ir::Monitor& m, const std::string& scope) {
  const bool wholeService = scope.find(':') == std::string::npos;
  if (const ir::Prop* s = m.props.find("scopes"))
    for (const auto& v : s->value) {
      std::string mine = v.get<std::string>();
      if (auto at = mine.find(": "); at != std::string::npos) mine.erase(at + 1, 1);
      if (mine == scope || (wholeService && serviceOf(mine) == scope)) return true;
    }
  auto label = [&](const char* k) { auto it = m.labels.find(k); return it == m.labels.end() ? std::string() : it->second; };
  std::string service = m.props.str("service", label("service"));
  if (wholeService) return service == scope;
  return service == serviceOf(scope) && label("role") == scope.substr(scope.find(':') + 1);
}

bool routeMatches(const ir::Route& r, const ir::Monitor& m) {
  auto sev = severitiesOf(m);
  if (!r.severities.empty() &&
      std::none_of(r.severities.begin(), r.severities.end(), [&](const std::string& s) { return sev.count(s) > 0; }))
    return false;
  for (const auto& [k, v] : r.match) {
    if (k == "severity") {
      if (!sev.count(v)) return false;
    } else if (k == "alertname") {
      if (v != m.name) return false;
    } else if (k == "service" && m.props.str("service") == v) {
      continue;
    } else if (auto it = m.labels.find(k); it == m.labels.end() || it->second != v) {
      return false;
    }
  }
  if (!r.scopes.empty() && std::none_of(r.scopes.begin(), r.scopes.end(), [&](const std::string& s) { return inScope(m, s); }))
    return false;
  return r.monitors.empty() || contains(r.monitors, m.name);
}

}  // namespace routing

namespace {

using Strings = std::vector<std::string>;

bool contains(const Strings& list, const std::string& s) { return std::find(list.begin(), list.end(), s) != list.end(); }
std::string serviceOf(const std::string& scope) { return scope.substr(0, scope.find(':')); }

using routing::inScope;
using routing::routeMatches;
using routing::severitiesOf;

// True when `wide` matches every alert `narrow` matches, judged on what is written.
bool covers(const ir::Route& wide, const ir::Route& narrow) {
  if (!wide.severities.empty()) {
    if (narrow.severities.empty()) {
      auto it = narrow.match.find("severity");
      if (it == narrow.match.end() || !contains(wide.severities, it->second)) return false;
    } else if (std::any_of(narrow.severities.begin(), narrow.severities.end(),
                           [&](const std::string& s) { return !contains(wide.severities, s); })) {
      return false;
    }
  }
  for (const auto& [k, v] : wide.match) {
    auto it = narrow.match.find(k);
    if (it == narrow.match.end() || it->second != v) return false;
  }
  if (!wide.scopes.empty()) {
    if (narrow.scopes.empty()) return false;
    for (const auto& s : narrow.scopes)
      if (std::none_of(wide.scopes.begin(), wide.scopes.end(), [&](const std::string& w) {
            return w == s || (w.find(':') == std::string::npos && serviceOf(s) == w);
          }))
        return false;
  }
  if (!wide.monitors.empty()) {
    if (narrow.monitors.empty()) return false;
    for (const auto& n : narrow.monitors)
      if (!contains(wide.monitors, n)) return false;
  }
  return true;
}

void checkChannelNames(const ir::Module& m, const Strings& known, const Strings& names, const std::vector<Range>& at,
                       DiagEngine& diags) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (contains(known, names[i])) continue;  // declared (perhaps with errors, reported there)
    auto b = diags.report(i < at.size() ? at[i] : Range{}, diag::err_unknown_channel, {names[i]});
    std::string close = closestMatch(names[i], known);
    if (!close.empty()) b.note(Range{}, "did you mean '" + close + "'?");
    else if (m.channels.empty()) b.note(Range{}, "declare it: channel slack \"" + names[i] + "\" { ... }");
  }
}

// --- maintenance windows ---

bool scopesOverlap(const ir::Maintenance& a, const ir::Maintenance& b) {
  if (!a.monitors.empty() && !b.monitors.empty() &&
      std::none_of(a.monitors.begin(), a.monitors.end(), [&](const std::string& n) { return contains(b.monitors, n); }))
    return false;
  if (a.scopes.empty() || b.scopes.empty()) return true;
  for (const auto& x : a.scopes)
    for (const auto& y : b.scopes)
      if (x == y || serviceOf(x) == y || serviceOf(y) == x) return true;
  return false;
}

// Minutes since 1970-01-01 00:00 of a one-off window's end points (in its own time zone).
long absolute(const ir::LocalTime& t) { return daysFromCivil(t.year, t.month, t.day) * 1440 + t.minute; }
int weekdayOf(long day) { return static_cast<int>(((day % 7) + 11) % 7); }  // 1970-01-01 was a thursday

bool weeklyHits(const ir::Maintenance& w, int weekday, long from, long to) {
  return std::find(w.weekdays.begin(), w.weekdays.end(), weekday) != w.weekdays.end() && from < w.end.minute && w.start.minute < to;
}

// The first stretch both windows cover, described for the message; empty when none.
std::string overlap(const ir::Maintenance& a, const ir::Maintenance& b) {
  static const char* days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  if (a.weekly && b.weekly) {
    for (int d : a.weekdays)
      if (weeklyHits(b, d, a.start.minute, a.end.minute)) return std::string("every ") + days[d];
    return "";
  }
  if (!a.weekly && !b.weekly) return absolute(a.start) < absolute(b.end) && absolute(b.start) < absolute(a.end) ? "in time" : "";
  const ir::Maintenance& once = a.weekly ? b : a;
  const ir::Maintenance& weekly = a.weekly ? a : b;
  long from = absolute(once.start), to = absolute(once.end);
  for (long day = from / 1440; day * 1440 < to; ++day) {
    long dayFrom = std::max(from, day * 1440) - day * 1440, dayTo = std::min(to, (day + 1) * 1440) - day * 1440;
    if (weeklyHits(weekly, weekdayOf(day), dayFrom, dayTo)) return std::string("on a ") + days[weekdayOf(day)];
  }
  return "";
}

}  // namespace

void checkRouting(const ir::Module& m, const Strings& failedChannels, DiagEngine& diags) {
  Strings channelNames;
  for (const auto& c : m.channels) channelNames.push_back(c.name);
  Strings known = channelNames;
  known.insert(known.end(), failedChannels.begin(), failedChannels.end());
  std::set<std::string> used;
  for (const auto& r : m.routes) {
    checkChannelNames(m, known, r.channels, r.channelRanges, diags);
    used.insert(r.channels.begin(), r.channels.end());
  }
  for (const auto& mon : m.monitors) {
    checkChannelNames(m, known, mon.channels, mon.channelRanges, diags);
    used.insert(mon.channels.begin(), mon.channels.end());
  }
  for (const auto& t : m.routeTests) checkChannelNames(m, known, t.expect, t.expectRanges, diags);

  // Names of monitors in routes and windows: a monitor that failed to lower was reported, and
  // naming it again here would only repeat that.
  if (!diags.hasErrors()) {
    Strings alertNames;
    for (const auto& mon : m.monitors) alertNames.push_back(mon.name);
    for (const auto& rule : m.rules)
      if (rule.isAlert()) alertNames.push_back(rule.name);
    auto checkMonitors = [&](const Strings& names, const ir::Props& props) {
      const ir::Prop* p = props.find("monitors");
      for (const auto& n : names)
        if (!contains(alertNames, n)) {
          auto b = diags.report(p ? p->range : Range{}, diag::err_unknown_monitor_name, {n});
          if (std::string close = closestMatch(n, alertNames); !close.empty()) b.note(Range{}, "did you mean '" + close + "'?");
        }
    };
    for (const auto& r : m.routes) checkMonitors(r.monitors, r.props);
    for (const auto& w : m.maintenances) checkMonitors(w.monitors, w.props);
  }

  for (size_t i = 0; i < m.routes.size(); ++i) {
    const ir::Route& r = m.routes[i];
    auto sev = r.match.find("severity");
    if (sev != r.match.end() && !r.severities.empty() && !contains(r.severities, sev->second)) {
      diags.report(r.nameRange, diag::warn_route_never_matches,
                   {r.name, "'match' wants severity '" + sev->second + "', which 'severity' leaves out"});
      continue;
    }
    for (size_t j = 0; j < i; ++j)
      if (!m.routes[j].continues && covers(m.routes[j], r)) {
        diags.report(r.nameRange, diag::warn_route_never_matches,
                     {r.name, "route '" + m.routes[j].name + "' before it takes every alert it would, and does not continue"})
            .note(m.routes[j].nameRange, "this route takes them")
            .note(Range{}, "move this route above it, or set 'continue = true' there");
        break;
      }
  }

  // Routing is only judged where the source declares some: a source without channels and
  // routes leaves notifications to each system's own settings.
  if (m.channels.empty() && m.routes.empty()) return;
  for (const auto& mon : m.monitors) {
    const ir::Prop* mute = mon.props.find("is_mute");
    if (!mon.channels.empty() || (mute && mute->value == true)) continue;
    if (std::none_of(m.routes.begin(), m.routes.end(), [&](const ir::Route& r) { return routeMatches(r, mon); }))
      diags.report(mon.nameRange, diag::warn_monitor_no_channel, {mon.name})
          .note(Range{}, "add a route that matches it, or name its channels: channels = [\"...\"]");
  }
  for (const auto& c : m.channels)
    if (!used.count(c.name)) diags.report(c.nameRange, diag::warn_channel_unused, {c.name});

  for (size_t i = 0; i < m.maintenances.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const ir::Maintenance& a = m.maintenances[j];
      const ir::Maintenance& b = m.maintenances[i];
      // Windows in different zones meet at times that move with daylight saving; not judged.
      if (a.timeZone != b.timeZone || !scopesOverlap(a, b)) continue;
      if (std::string when = overlap(a, b); !when.empty()) {
        diags.report(b.nameRange, diag::warn_maintenance_overlap, {b.name, a.name, when})
            .note(a.nameRange, "the other window");
        break;
      }
    }
}

}  // namespace mon
