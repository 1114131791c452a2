#include "prometheus/alert_history.h"

#include <algorithm>
#include <cmath>

namespace mon::prometheus {

namespace {

std::string queryEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

// The labels other than alertname and alertstate, as {a="x", b="y"}: what one alert is of.
std::string seriesOf(const ir::Json& metric) {
  std::string out;
  for (auto it = metric.begin(); it != metric.end(); ++it) {
    if (it.key() == "alertname" || it.key() == "alertstate" || it.key() == "__name__" || !it.value().is_string()) continue;
    out += (out.empty() ? "" : ", ") + it.key() + "=" + ir::Json(it.value()).dump();
  }
  return out.empty() ? "" : "{" + out + "}";
}

bool pointsOf(const ir::Json& values, std::vector<int64_t>& points) {
  if (!values.is_array()) return false;
  for (const auto& v : values) {
    if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_string()) return false;
    if (v[1].get<std::string>() == "0") continue;
    points.push_back(static_cast<int64_t>(std::llround(v[0].get<double>())));
  }
  std::sort(points.begin(), points.end());
  return true;
}

}  // namespace

int64_t alertStep(int64_t seconds) { return std::max<int64_t>(15, (seconds + 9999) / 10000); }

void intervalsOf(const std::vector<int64_t>& points, int64_t step, int64_t lastPoint, const std::string& alertname,
                 const std::string& series, std::vector<engine::AlertEvent>& out) {
  for (size_t i = 0; i < points.size();) {
    size_t j = i;
    while (j + 1 < points.size() && points[j + 1] - points[j] == step) ++j;
    engine::AlertEvent e;
    e.monitorId = alertname;
    e.series = series;
    e.openedAt = points[i] - step;
    e.closedAt = points[j] >= lastPoint ? 0 : points[j];  // a run up to the end is still firing
    out.push_back(std::move(e));
    i = j + 1;
  }
}

bool readAlertHistory(net::Client& http, const std::string& url, const engine::AlertQuery& q,
                      std::vector<engine::AlertEvent>& out, std::string& err) {
  const int64_t step = alertStep(q.until - q.since);
  const int64_t first = q.since + step;
  const int64_t last = first + (q.until - first) / step * step;  // the last point in the window
  const std::string query = "count_over_time(ALERTS{alertstate=\"firing\"}[" + std::to_string(step) + "s])";
  net::Request req;
  req.method = "GET";
  req.url = url + "/api/v1/query_range?query=" + queryEncode(query) + "&start=" + std::to_string(first) +
            "&end=" + std::to_string(last) + "&step=" + std::to_string(step);
  net::Response res = http.send(req);
  const std::string what = "GET /api/v1/query_range";
  if (!res.transport.empty()) return (err = what + ": " + res.transport, false);
  ir::Json j = ir::Json::parse(res.body, nullptr, false);
  if (!res.ok()) {
    std::string why = !j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string()
                          ? ": " + j["error"].get<std::string>() : "";
    return (err = what + ": HTTP " + std::to_string(res.status) + why, false);
  }
  if (j.is_discarded() || !j.is_object() || j.value("status", "") != "success" || !j.contains("data") ||
      !j["data"].is_object() || !j["data"].contains("result") || !j["data"]["result"].is_array())
    return (err = what + ": not a query result", false);
  for (const auto& s : j["data"]["result"]) {
    std::vector<int64_t> points;
    if (!s.is_object() || !s.contains("metric") || !s["metric"].is_object() || !s.contains("values") ||
        !pointsOf(s["values"], points))
      return (err = what + ": a series without labels or values", false);
    std::string name = s["metric"].contains("alertname") && s["metric"]["alertname"].is_string()
                           ? s["metric"]["alertname"].get<std::string>() : "";
    intervalsOf(points, step, last, name, seriesOf(s["metric"]), out);
  }
  return true;
}

}  // namespace mon::prometheus
