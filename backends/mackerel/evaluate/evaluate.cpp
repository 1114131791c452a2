#include "mackerel/evaluate/evaluate.h"

#include <algorithm>
#include <optional>

namespace mon::mackerel::evaluate {

namespace {

constexpr long long kCheckEvery = 60;
constexpr long long kGoneAfter = 5 * 60;  // connectivity: no data for 5 minutes

const char* kDefaultHost = "host";

std::string hostOf(const Series& s) {
  auto it = s.labels.find("host");
  return it == s.labels.end() ? kDefaultHost : it->second;
}

// The level of one value against the monitor's thresholds: critical first.
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

// max_check_attempts: consecutive failing checks before the level shows.
class Attempts {
 public:
  explicit Attempts(int needed) : needed_(std::max(needed, 1)) {}
  void check(Level l) {
    if (l == Level::Ok) {
      failing_ = 0;
      state_ = Level::Ok;
      return;
    }
    if (++failing_ >= needed_) state_ = l;
  }
  Level state() const { return state_; }

 private:
  int needed_;
  int failing_ = 0;
  Level state_ = Level::Ok;
};

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

// Every check time from 0 up to t.
template <typename F>
void eachCheck(long long t, F&& f) {
  for (long long now = 0; now <= t; now += kCheckEvery) f(now);
}

void hostLevels(const ir::Monitor& m, const std::vector<Series>& inputs, long long t, std::map<std::string, Level>& out) {
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
      if (auto avg = averageWithin(pts, now - window, now)) attempts.check(compare(m, *avg));
    });
    out[host] = attempts.state();
  }
}

void connectivityLevels(const ir::Monitor& m, const std::vector<Series>& inputs, long long t,
                        std::map<std::string, Level>& out) {
  const Level gone = m.props.str("alert_status_on_gone", "CRITICAL") == "WARNING" ? Level::Warning : Level::Critical;
  std::map<std::string, std::vector<Point>> byHost;
  for (const auto& s : inputs) {
    if (s.labels.count("service") && !s.labels.count("host")) continue;  // a service metric is no host's
    auto& pts = byHost[hostOf(s)];
    pts.insert(pts.end(), s.points.begin(), s.points.end());
  }
  long long lastCheck = t - t % kCheckEvery;
  for (auto& [host, pts] : byHost) {
    auto last = lastPointAtOrBefore(pts, lastCheck);
    out[host] = last && lastCheck - *last >= kGoneAfter ? gone : Level::Ok;
  }
}

void serviceLevels(const ir::Monitor& m, const std::vector<Series>& inputs, long long t,
                   std::map<std::string, Level>& out) {
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
  Level missing = Level::Ok;
  eachCheck(t, [&](long long now) {
    if (auto avg = averageOfLast(pts, count, now)) attempts.check(compare(m, *avg));
    missing = Level::Ok;
    if (auto last = lastPointAtOrBefore(pts, now)) {
      long long quiet = now - *last;
      double w = m.props.num("missing_duration_warning", 0), c = m.props.num("missing_duration_critical", 0);
      if (c > 0 && quiet >= static_cast<long long>(c) * 60) missing = Level::Critical;
      else if (w > 0 && quiet >= static_cast<long long>(w) * 60) missing = Level::Warning;
    }
  });
  out[""] = std::max(attempts.state(), missing);
}

// Expression and query monitors: the input named exactly as the expression or query is its value.
void graphLevels(const ir::Monitor& m, const std::string& source, long long backwardMinutes,
                 const std::vector<Series>& inputs, long long t, std::map<std::string, Level>& out) {
  for (const auto& s : inputs) {
    if (s.name != source) continue;
    std::string subject;
    for (const auto& [k, v] : s.labels) subject += (subject.empty() ? "" : ",") + k + "=" + v;
    Level state = Level::Ok;
    eachCheck(t, [&](long long now) {
      long long at = now - backwardMinutes * 60;
      std::optional<double> value;
      for (const auto& p : s.points)
        if (p.t <= at && p.t > at - kCheckEvery) value = p.v;
      if (value) state = compare(m, *value);
    });
    out[subject] = std::max(out.count(subject) ? out[subject] : Level::Ok, state);
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

bool levelsAt(const ir::Monitor& m, const std::vector<Series>& inputs, long long t, std::map<std::string, Level>& out,
              std::string& why) {
  out.clear();
  switch (m.kind) {
    case ir::MonitorKind::Host: hostLevels(m, inputs, t, out); return true;
    case ir::MonitorKind::Connectivity: connectivityLevels(m, inputs, t, out); return true;
    case ir::MonitorKind::Service: serviceLevels(m, inputs, t, out); return true;
    case ir::MonitorKind::Expression:
      graphLevels(m, m.props.str("expression"), static_cast<long long>(m.props.num("evaluate_backward_minutes", 2)),
                  inputs, t, out);
      return true;
    case ir::MonitorKind::Query:
      graphLevels(m, m.props.str("query"), static_cast<long long>(m.props.num("evaluate_backward_minutes", 0)), inputs,
                  t, out);
      return true;
    case ir::MonitorKind::External:
    case ir::MonitorKind::AnomalyDetection:
      why = std::string(ir::kindName(m.kind)) + " monitors are not evaluated from series (monitorc has no model of them)";
      return false;
  }
  return false;
}

}  // namespace mon::mackerel::evaluate
