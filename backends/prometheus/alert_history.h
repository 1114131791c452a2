#pragma once
// `monitorc alerts` on a prometheus target: the firing intervals of its ALERTS series, read
// through the query API, as alert events (engine/alerts.h).
#include <string>
#include <vector>

#include "alerts.h"
#include "net/http.h"

namespace mon::prometheus {

/// The query step for a window of `seconds`: at most 10,000 points (under Prometheus' 11,000
/// per series), never under 15 s.
int64_t alertStep(int64_t seconds);

/// Reads `count_over_time(ALERTS{alertstate="firing"}[STEP])` over `q`'s window from the
/// Prometheus at `url` (GET /api/v1/query_range, step alertStep()). Each point counts the
/// evaluations that found the alert firing in the step before it, so an alert that fired for a
/// single evaluation is still seen; runs of consecutive points are one alert, opened at the
/// start of its first step and closed at the end of its last (open when the run reaches the
/// window's end). Events name the alertname as monitor id and the other labels as series.
bool readAlertHistory(net::Client& http, const std::string& url, const engine::AlertQuery& q,
                      std::vector<engine::AlertEvent>& out, std::string& err);

/// The events of one series' points (Unix seconds, ascending), as readAlertHistory builds them.
void intervalsOf(const std::vector<int64_t>& points, int64_t step, int64_t lastPoint, const std::string& alertname,
                 const std::string& series, std::vector<engine::AlertEvent>& out);

}  // namespace mon::prometheus
