#include "mackerel/evaluate/evaluate.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "mackerel/evaluate/checks.h"

namespace mon::mackerel::evaluate {

namespace checks {

Level compare(const ir::Monitor& m, double v) {
  const std::string op = m.props.str("operator", ">");
  auto fails = [&](const char* field) {
    const ir::Prop* p = m.props.find(field);
    if (!p || !p->value.is_number()) return false;
    double threshold = p->value.get<double>();
    return op == "<" ? v < threshold : v > threshold;
  };
  if (fails("critical")) return Level::Critical;
  if (fails("warning")) return Level::Warning;
  return Level::Ok;
}

std::string thresholdText(const ir::Monitor& m, const std::string& label, double value, Level level) {
  char buf[96];
  double threshold = m.props.num(level == Level::Critical ? "critical" : "warning");
  std::snprintf(buf, sizeof buf, " %.2f %s %.2f", value, m.props.str("operator", ">").c_str(), threshold);
  return label + buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::optional<double> averageWithin(const std::vector<Point>& pts, long long from, long long to) {
  double sum = 0;
  int n = 0;
  for (const auto& p : pts)
    if (p.t > from && p.t <= to) {
      sum += p.v;
      ++n;
    }
  if (n == 0) return std::nullopt;
  return sum / n;
}

std::optional<double> seenAt(const std::vector<Point>& pts, long long now) {
  std::optional<double> value;
  for (const auto& p : pts)
    if (p.t <= now && p.t > now - kCheckEvery) value = p.v;
  return value;
}

}  // namespace checks

namespace {

using checks::Attempts;
using checks::compare;
using checks::eachCheck;
using checks::kCheckEvery;

constexpr long long kGoneAfter = 5 * 60;  // connectivity: no data for 5 minutes

const char* kDefaultHost = "host";

std::string hostOf(const Series& s) {
  auto it = s.labels.find("host");
  return it == s.labels.end() ? kDefaultHost : it->second;
}

std::optional<double> averageOfLast(const std::vector<Point>& pts, size_t count, long long to) {
  auto end = std::upper_bound(pts.begin(), pts.end(), to, [](long long t, const Point& p) { return t < p.t; });
  size_t available = static_cast<size_t>(end - pts.begin());
  if (available == 0) return std::nullopt;
  size_t n = std::min(count, available);
  double sum = 0;
  for (auto it = end - static_cast<long>(n); it != end; ++it) sum += it->v;
  return sum / static_cast<double>(n);
}

std::optional<long long> lastPointAtOrBefore(const std::vector<Point>& pts, long long t) {
  std::optional<long long> last;
  for (const auto& p : pts)
    if (p.t <= t) last = p.t;
  return last;
}

void hostAlerts(const ir::Monitor& m, const std::vector<Series>& inputs, long long t, std::map<std::string, Alert>& out) {
  const std::string metric = m.props.str("metric");
  const long long window = static_cast<long long>(m.props.num("duration", 1)) * 60;
  std::map<std::string, std::vector<Point>> byHost;
  for (const auto& s : inputs)
    if (s.name == metric) {
      auto& pts = byHost[hostOf(s)];
      pts.insert(pts.end(), s.points.begin(), s.points.end());
    }
  for (auto& [host, hostPoints] : byHost) {
    auto& pts = hostPoints;  // a structured binding cannot be captured before C++20 (clang 14)
    std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.t < b.t; });
    Attempts attempts(static_cast<int>(m.props.num("max_check_attempts", 1)));
    eachCheck(t, [&](long long now) {
      if (auto avg = checks::averageWithin(pts, now - window, now)) {
        Level l = compare(m, *avg);
        attempts.check(l, checks::thresholdText(m, metric, *avg, l));
      }
    });
    out[host] = attempts.alert();
  }
}

void connectivityAlerts(const ir::Monitor& m, const std::vector<Series>& inputs, long long t,
                        std::map<std::string, Alert>& out) {
  const Level gone = m.props.str("alert_status_on_gone", "CRITICAL") == "WARNING" ? Level::Warning : Level::Critical;
  std::map<std::string, std::vector<Point>> byHost;
  for (const auto& s : inputs) {
    if (s.labels.count("service") && !s.labels.count("host")) continue;  // a service metric is no host's
    if (s.name.rfind("external.", 0) == 0) continue;                      // an HTTP check's observation
    auto& pts = byHost[hostOf(s)];
    pts.insert(pts.end(), s.points.begin(), s.points.end());
  }
  long long lastCheck = t - t % kCheckEvery;
  for (auto& [host, pts] : byHost) {
    auto last = lastPointAtOrBefore(pts, lastCheck);
    // Mackerel's connectivity alert has neither a value nor a message.
    out[host] = Alert{last && lastCheck - *last >= kGoneAfter ? gone : Level::Ok, "", false};
  }
}

void serviceAlerts(const ir::Monitor& m, const std::vector<Series>& inputs, long long t,
                   std::map<std::string, Alert>& out) {
  const std::string metric = m.props.str("metric"), service = m.props.str("service");
  std::vector<Point> pts;
  for (const auto& s : inputs) {
    auto svc = s.labels.find("service");
    if (s.name == metric && (svc == s.labels.end() || svc->second == service))
      pts.insert(pts.end(), s.points.begin(), s.points.end());
  }
  if (pts.empty()) return;
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.t < b.t; });
  const size_t count = static_cast<size_t>(m.props.num("duration", 1));
  Attempts attempts(static_cast<int>(m.props.num("max_check_attempts", 1)));
  Alert missing;
  eachCheck(t, [&](long long now) {
    if (auto avg = averageOfLast(pts, count, now)) {
      Level l = compare(m, *avg);
      attempts.check(l, checks::thresholdText(m, metric, *avg, l));
    }
    missing = Alert{};
    if (auto last = lastPointAtOrBefore(pts, now)) {
      long long quiet = now - *last;
      double w = m.props.num("missing_duration_warning", 0), c = m.props.num("missing_duration_critical", 0);
      // monitorc's wording: Mackerel documents no message for an interruption alert.
      std::string text = metric + ": no data for " + std::to_string(quiet / 60) + " minutes";
      if (c > 0 && quiet >= static_cast<long long>(c) * 60) missing = Alert{Level::Critical, text};
      else if (w > 0 && quiet >= static_cast<long long>(w) * 60) missing = Alert{Level::Warning, text};
    }
  });
  out[""] = missing.level > attempts.alert().level ? missing : attempts.alert();
}

// Expression and query monitors: the input named exactly as the expression or query is its value.
void graphAlerts(const ir::Monitor& m, const std::string& source, long long backwardMinutes,
                 const std::vector<Series>& inputs, long long t, std::map<std::string, Alert>& out) {
  for (const auto& s : inputs) {
    if (s.name != source) continue;
    std::string subject;
    for (const auto& [k, v] : s.labels) subject += (subject.empty() ? "" : ",") + k + "=" + v;
    Alert state;
    eachCheck(t, [&](long long now) {
      if (auto value = checks::seenAt(s.points, now - backwardMinutes * 60)) {
        Level l = compare(m, *value);
        if (l != state.level) state = Alert{l, l == Level::Ok ? "" : checks::thresholdText(m, source, *value, l)};
      }
    });
    if (!out.count(subject) || state.level > out[subject].level) out[subject] = state;
  }
}

}  // namespace

const char* levelName(Level l) {
  switch (l) {
    case Level::Ok: return "ok";
    case Level::Warning: return "warning";
    case Level::Critical: return "critical";
  }
  return "ok";
}

Series fromInput(const ir::TestInput& in, long long intervalSeconds) {
  Series s{in.name, in.labels, {}};
  for (size_t i = 0; i < in.samples.size(); ++i)
    if (in.samples[i].kind == SeriesSample::Kind::Value)
      s.points.push_back(Point{static_cast<long long>(i) * intervalSeconds, in.samples[i].value});
  return s;
}

bool alertsAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t, std::map<std::string, Alert>& out,
              std::string& why) {
  out.clear();
  switch (m.kind) {
    case ir::MonitorKind::Host: hostAlerts(m, inputs, t, out); return true;
    case ir::MonitorKind::Connectivity: connectivityAlerts(m, inputs, t, out); return true;
    case ir::MonitorKind::Service: serviceAlerts(m, inputs, t, out); return true;
    case ir::MonitorKind::External: out[""] = externalAlertAt(m, inputs, t); return true;
    case ir::MonitorKind::Expression:
      graphAlerts(m, m.props.str("expression"), static_cast<long long>(m.props.num("evaluate_backward_minutes", 2)),
                  inputs, t, out);
      return true;
    case ir::MonitorKind::Query:
      graphAlerts(m, m.props.str("query"), static_cast<long long>(m.props.num("evaluate_backward_minutes", 0)), inputs,
                  t, out);
      return true;
    case ir::MonitorKind::AnomalyDetection:
      why = "anomaly detection monitors are not evaluated: Mackerel learns each role's model from its history and does "
            "not publish it, so no series could stand for its input";
      return false;
  }
  return false;
}

bool levelsAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t, std::map<std::string, Level>& out,
              std::string& why) {
  std::map<std::string, Alert> alerts;
  out.clear();
  if (!alertsAt(m, inputs, t, alerts, why)) return false;
  for (const auto& [subject, alert] : alerts) out[subject] = alert.level;
  return true;
}

}  // namespace mon::mackerel::evaluate
