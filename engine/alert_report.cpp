#include <algorithm>

#include "alerts.h"

namespace mon::engine {

namespace {

int64_t median(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The name and place the report gives monitor `id`.
void identify(const AlertHistory& h, MonitorNoise& m) {
  if (auto it = h.managed.find(m.id); it != h.managed.end()) {
    m.name = it->second.name;
    m.where = it->second.where;
  } else if (auto n = h.unmanagedNames.find(m.id); n != h.unmanagedNames.end()) {
    m.name = n->second;
  }
}

}  // namespace

AlertReport rankAlerts(const AlertHistory& h, const AlertQuery& q, int flapMinutes) {
  AlertReport r;
  r.window = q;
  r.flapMinutes = flapMinutes;
  r.resolution = h.resolution;
  r.method = h.method;
  std::map<std::string, MonitorNoise> byId;
  std::map<std::string, std::vector<int64_t>> durations;
  for (const AlertEvent& a : h.alerts) {
    if (a.openedAt < q.since || a.openedAt >= q.until) continue;  // pages may reach past the window
    MonitorNoise& m = byId[a.monitorId];
    m.id = a.monitorId;
    ++m.fired;
    ++r.totalAlerts;
    int64_t end = a.closedAt ? std::min(a.closedAt, q.until) : q.until;
    int64_t open = std::max<int64_t>(0, end - a.openedAt);
    m.totalOpenSeconds += open;
    durations[a.monitorId].push_back(open);
    if (!a.closedAt) ++m.open;
    else if (a.closedByHand) ++m.closedByHand;
    else if (a.closedAt - a.openedAt <= int64_t(flapMinutes) * 60) ++m.selfClosedQuickly;
  }
  for (auto& [id, m] : byId) {
    m.medianOpenSeconds = median(durations[id]);
    identify(h, m);
    r.monitors.push_back(std::move(m));
  }
  std::sort(r.monitors.begin(), r.monitors.end(), [](const MonitorNoise& a, const MonitorNoise& b) {
    if (a.fired != b.fired) return a.fired > b.fired;
    if (a.totalOpenSeconds != b.totalOpenSeconds) return a.totalOpenSeconds > b.totalOpenSeconds;
    if (a.selfClosedQuickly != b.selfClosedQuickly) return a.selfClosedQuickly > b.selfClosedQuickly;
    return a.name != b.name ? a.name < b.name : a.id < b.id;
  });
  return r;
}

std::string showDuration(int64_t s) {
  if (s < 60) return std::to_string(s) + "s";
  struct Unit {
    int64_t seconds;
    const char* name;
  };
  static const Unit units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}};
  std::string out;
  int shown = 0;
  for (const Unit& u : units) {
    if (s < u.seconds && !shown) continue;
    if (shown == 2) break;
    int64_t n = s / u.seconds;
    s %= u.seconds;
    ++shown;
    if (n) out += (out.empty() ? "" : " ") + std::to_string(n) + u.name;
  }
  return out;
}

}  // namespace mon::engine
