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

/// One posted metric: host metrics carry labels {host}, service metrics {service}.
struct Series {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Point> points;  // in time order
};

/// The series of a test input: sample i at i * interval; `_` and `stale` post nothing.
Series fromInput(const ir::TestInput& in, long long intervalSeconds);

/// Each subject's alert level at time `t` (seconds; the last check at or before it counts).
/// Subjects: the host for host and connectivity monitors ("host" when an input names none),
/// "" for service, expression and query monitors. False with `why` for monitor kinds this
/// model does not evaluate (external, anomaly detection).
bool levelsAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t,
              std::map<std::string, Level>& out, std::string& why);

}  // namespace mon::mackerel::evaluate
