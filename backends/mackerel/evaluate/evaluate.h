#pragma once
// monitorc's model of how Mackerel evaluates a monitor over time, for `monitorc test`. Mackerel
// checks every minute; docs/testing.md lists the rules and the assumptions made where Mackerel's
// documentation is silent:
//  - host: at each check, the average of the host's points of the last `duration` minutes is
//    compared with critical, then warning (critical wins); no point in the window: no check.
//  - service: the average of the service's last `duration` points (however old), likewise; and
//    missing_duration_warning/critical when the newest point is that many minutes old.
//  - max_check_attempts (host, service): an alert opens, or changes level, only once that many
//    consecutive checks failed; the first passing check closes it.
//  - connectivity: a host that has posted a point goes to alert_status_on_gone once no point
//    (of any metric) arrived for 5 minutes.
//  - expression, query: the latest point at or before now - evaluate_backward_minutes, within
//    one minute of it, compared as host values are (one check; no attempts field).
//  - external: each minute's observations of the HTTP check (status, response time, body,
//    certificate days left: the `external.*` inputs), judged as external.cpp says.
//  - anomaly detection: not evaluated; Mackerel's model is learned and unpublished.
// A test's series stand for what was posted: `_` and `stale` are minutes with nothing posted.
#include <map>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace mon::mackerel::evaluate {

enum class Level { Ok, Warning, Critical };
const char* levelName(Level l);  // "ok", "warning", "critical"

struct Point {
  long long t;  // seconds from the start
  double v;
};

/// A subject's alert: its level and the text Mackerel gives it (the notification message, or
/// the alert's value where Mackerel renders no message; docs/testing.md). Connectivity alerts
/// carry neither: hasText is false.
struct Alert {
  Level level = Level::Ok;
  std::string text;
  bool hasText = true;
};

/// One posted metric: host metrics carry labels {host}, service metrics {service}.
struct Series {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Point> points;  // in time order
};

/// The series of a test input: sample i at i * interval; `_` and `stale` post nothing.
Series fromInput(const ir::TestInput& in, long long intervalSeconds);

/// Each subject's alert at time `t` (seconds; the last check at or before it counts).
/// Subjects: the host for host and connectivity monitors ("host" when an input names none),
/// "" for service, external and expression monitors, the label set for query monitors. False
/// with `why` for monitor kinds this model does not evaluate (anomaly detection).
bool alertsAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t,
              std::map<std::string, Alert>& out, std::string& why);

/// alertsAt's levels alone.
bool levelsAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t,
              std::map<std::string, Level>& out, std::string& why);

/// The external monitor's alert at `t` (external.cpp); inputs are named `external.*`.
Alert externalAlertAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t);

}  // namespace mon::mackerel::evaluate
