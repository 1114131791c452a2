// The alert history report (alerts.h) as text, markdown and JSON. Names come from servers and
// the source: text escapes controls (terminalSafe), markdown shows them as code spans.
#include <ctime>
#include <iomanip>
#include <sstream>

#include "alerts.h"
#include "render_fields.h"
#include "support/terminal.h"

namespace mon::engine {

namespace {

std::string utc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string percent(int part, int whole) {
  if (!whole) return "0%";
  return std::to_string((part * 100 + whole / 2) / whole) + "%";
}

// "name" (the source's or the system's), or for a monitor of neither "(deleted monitor)".
std::string label(const MonitorNoise& m) { return m.name.empty() ? "(monitor not found on the target)" : m.name; }

std::string place(const MonitorNoise& m) {
  if (!m.where.empty()) return m.where;
  return m.id.empty() || m.id == m.name ? "not in the source" : "not in the source (id " + m.id + ")";
}

std::string heading(const AlertReport& r) {
  return r.targetKind + " \"" + r.targetName + "\", " + utc(r.window.since) + " to " + utc(r.window.until);
}

std::string exactness(const AlertReport& r) {
  return r.resolution ? "open times are exact to " + showDuration(r.resolution) : "open times are exact";
}

}  // namespace

std::string renderAlertsText(const AlertReport& r) {
  std::ostringstream o;
  o << "Alerts of " << terminalSafe(heading(r), false) << ": " << r.totalAlerts << " alert(s) from " << r.monitors.size()
    << " monitor(s)\n";
  if (r.monitors.empty()) return o.str();
  const std::string quick = "<" + std::to_string(r.flapMinutes) + "m";
  o << "\n  " << std::setw(6) << "FIRED" << "  " << std::setw(9) << ("SELF" + quick) << "  " << std::setw(9) << "OPEN"
    << "  " << std::setw(9) << "MEDIAN" << "  MONITOR\n";
  for (const auto& m : r.monitors) {
    o << "  " << std::setw(6) << m.fired << "  " << std::setw(9) << percent(m.selfClosedQuickly, m.fired) << "  "
      << std::setw(9) << showDuration(m.totalOpenSeconds) << "  " << std::setw(9) << showDuration(m.medianOpenSeconds) << "  "
      << terminalSafe(label(m), false) << "  " << terminalSafe(place(m), false);
    if (m.open) o << "  (" << m.open << " still open)";
    o << "\n";
  }
  o << "\nSELF" << quick << ": share closed by recovery within " << r.flapMinutes
    << " minutes of opening; OPEN: total time open in the window; " << exactness(r) << ".\n";
  return o.str();
}

std::string renderAlertsMarkdown(const AlertReport& r, size_t maxRows) {
  std::ostringstream o;
  o << "### Alert review: " << markdownCode(r.targetKind) << " " << markdownCode(r.targetName) << "\n\n";
  o << r.totalAlerts << " alert(s) from " << r.monitors.size() << " monitor(s) opened between " << utc(r.window.since)
    << " and " << utc(r.window.until) << ", noisiest first.\n\n";
  if (r.monitors.empty()) return o.str();
  o << "| # | Monitor | Source | Fired | Closed by itself within " << r.flapMinutes
    << " min | Open in total | Median open | Still open |\n";
  o << "|---:|---|---|---:|---:|---:|---:|---:|\n";
  size_t shown = maxRows ? std::min(maxRows, r.monitors.size()) : r.monitors.size();
  for (size_t i = 0; i < shown; ++i) {
    const MonitorNoise& m = r.monitors[i];
    o << "| " << i + 1 << " | " << markdownCode(label(m), true) << " | "
      << (m.where.empty() ? "not in the source" + (m.id.empty() || m.id == m.name ? "" : " (id " + markdownCode(m.id, true) + ")")
                          : markdownCode(m.where, true))
      << " | " << m.fired << " | " << m.selfClosedQuickly << " (" << percent(m.selfClosedQuickly, m.fired) << ") | "
      << showDuration(m.totalOpenSeconds) << " | " << showDuration(m.medianOpenSeconds) << " | " << m.open << " |\n";
  }
  if (shown < r.monitors.size())
    o << "\n" << r.monitors.size() - shown << " quieter monitor(s) not shown; `--format json` lists every one.\n";
  o << "\nAlerts that close by themselves within minutes are candidates for a longer duration, a higher "
       "threshold or removal. "
    << exactness(r) << (r.method.empty() ? "" : "; " + r.method) << ".\n";
  return o.str();
}

ir::Json alertsToJson(const AlertReport& r) {
  ir::Json monitors = ir::Json::array();
  for (const auto& m : r.monitors) {
    ir::Json j{{"id", m.id},
               {"name", m.name},
               {"inSource", !m.where.empty()},
               {"fired", m.fired},
               {"selfClosedQuickly", m.selfClosedQuickly},
               {"closedByHand", m.closedByHand},
               {"stillOpen", m.open},
               {"totalOpenSeconds", m.totalOpenSeconds},
               {"medianOpenSeconds", m.medianOpenSeconds}};
    if (!m.where.empty()) j["source"] = m.where;
    monitors.push_back(std::move(j));
  }
  return {{"target", {{"kind", r.targetKind}, {"name", r.targetName}}},
          {"since", utc(r.window.since)},
          {"until", utc(r.window.until)},
          {"flapMinutes", r.flapMinutes},
          {"resolutionSeconds", r.resolution},
          {"totalAlerts", r.totalAlerts},
          {"monitors", std::move(monitors)}};
}

}  // namespace mon::engine
