#pragma once
// `monitorc alerts`: a target's alert history, ranked by how much noise each monitor made.
// Backends read the history (Target::alertHistory, Remote::alerts); this file ranks it and
// knows no backend. docs/cli/alerts.md describes the report.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::engine {

/// The window of history asked for, in Unix seconds: alerts opened in [since, until).
struct AlertQuery {
  int64_t since = 0;
  int64_t until = 0;
};

/// One alert as the system recorded it.
struct AlertEvent {
  std::string monitorId;    // the system's id of the monitor; Prometheus: the alertname
  std::string series;       // what it fired for within the monitor (host id, labels); may be ""
  int64_t openedAt = 0;     // Unix seconds
  int64_t closedAt = 0;     // 0: still open
  bool closedByHand = false;  // closed by a person (Mackerel: with a reason), not by recovery
};

/// A monitor of the source, as the report points at it.
struct SourceMonitor {
  std::string name;
  std::string where;  // "file:line:col" of its name (of the outermost `use` for a template's)
};

/// What a target's history holds: its alerts, and for each monitor id they name either the
/// source monitor that manages it or, for monitors the source does not manage, the name the
/// system gives it (ids of deleted monitors are in neither).
struct AlertHistory {
  std::vector<AlertEvent> alerts;
  std::map<std::string, SourceMonitor> managed;
  std::map<std::string, std::string> unmanagedNames;
  /// How exact open times are, in seconds (Prometheus: the query step); 0: exact.
  int64_t resolution = 0;
  std::string method;  // one line on how the history was read, for the report's footer
};

/// One monitor's line of the report.
struct MonitorNoise {
  std::string id;     // as in AlertEvent::monitorId
  std::string name;   // the source's name, else the system's, else ""
  std::string where;  // file:line:col; "" when the source does not manage it
  int fired = 0;
  int open = 0;               // still open at the end of the window
  int selfClosedQuickly = 0;  // closed by recovery within the flap window
  int closedByHand = 0;
  int64_t totalOpenSeconds = 0;
  int64_t medianOpenSeconds = 0;
};

/// The ranked report.
struct AlertReport {
  std::string targetKind, targetName;
  AlertQuery window;
  int flapMinutes = 10;
  int64_t resolution = 0;
  std::string method;
  std::vector<MonitorNoise> monitors;  // noisiest first
  int totalAlerts = 0;
};

/// Ranks `h`'s alerts opened within `q`'s window by monitor: most fired first, then longest
/// open in total, then most self-closing, then name. An alert still open counts as open until
/// `q.until`.
AlertReport rankAlerts(const AlertHistory& h, const AlertQuery& q, int flapMinutes);

/// "3d 4h", "12m", "40s": a duration for the report.
std::string showDuration(int64_t seconds);

std::string renderAlertsText(const AlertReport& r);
/// One page for a review issue: a table of the monitors, noisiest first, at most `maxRows`
/// rows (0: all), and how the figures were made.
std::string renderAlertsMarkdown(const AlertReport& r, size_t maxRows = 50);
ir::Json alertsToJson(const AlertReport& r);

}  // namespace mon::engine
